import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PROM_LABEL } from '../sinks/prometheus-names';
import { DIM } from '../sinks/schema';
import { type Flavor, metricsDs } from './datasources';
import { target } from './panel-kit';
import type { QueryDialect } from './query-dialect';

/** Run events (start, end, abort, anomaly, threshold crossings) as annotations on every panel. */
export function eventAnnotation(
  dialect: QueryDialect,
  flavor: Flavor,
): cog.Builder<dashboard.AnnotationQuery> {
  const b = new dashboard.AnnotationQueryBuilder()
    .name('Run events')
    .datasource(metricsDs(flavor))
    .enable(true)
    .iconColor('red')
    .target(target(flavor, dialect.events(), 'Anno'));
  if (flavor === 'prometheus') {
    // Grafana's Prometheus annotations read text and tags from series labels, not fields; the
    // SDK has no builder methods for these, so they are added to the built model.
    return {
      build: () => ({
        ...b.build(),
        textFormat: '{{text}}',
        titleFormat: `{{${DIM.kind}}}`,
        tagKeys: [DIM.kind, PROM_LABEL.region].join(','),
      }),
    };
  }
  return b.mappings({
    text: new dashboard.AnnotationEventFieldMappingBuilder()
      .source(dashboard.AnnotationEventFieldSource.Field)
      .value('text'),
    tags: new dashboard.AnnotationEventFieldMappingBuilder()
      .source(dashboard.AnnotationEventFieldSource.Field)
      .value('kind'),
  });
}
