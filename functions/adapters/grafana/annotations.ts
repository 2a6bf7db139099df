import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { type Flavor, metricsDs } from './datasources';
import { target } from './panel-kit';
import type { QueryDialect } from './query-dialect';

/** Run events (start, end, abort, anomaly, threshold crossings) as annotations on every panel. */
export function eventAnnotation(dialect: QueryDialect, flavor: Flavor): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('Run events')
    .datasource(metricsDs(flavor))
    .enable(true)
    .iconColor('red')
    .target(target(flavor, dialect.events(), 'Anno'))
    .mappings({
      text: new dashboard.AnnotationEventFieldMappingBuilder()
        .source(dashboard.AnnotationEventFieldSource.Field)
        .value('text'),
      tags: new dashboard.AnnotationEventFieldMappingBuilder()
        .source(dashboard.AnnotationEventFieldSource.Field)
        .value('kind'),
    });
}
