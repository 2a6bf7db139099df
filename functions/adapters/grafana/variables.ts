import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DS_VAR, type Flavor, metricsDs, PLUGIN, PROVISIONED } from './datasources';
import type { QueryDialect } from './query-dialect';

const LABEL: Record<Flavor, string> = {
  timestream: 'Timestream',
  influxdb: 'InfluxDB',
  prometheus: 'Prometheus',
};

/** Picks the metrics data source (defaults to the provisioned one). */
export function metricsDsVariable(flavor: Flavor): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DS_VAR.metrics)
    .label(LABEL[flavor])
    .type(PLUGIN[flavor])
    .current({ text: PROVISIONED[flavor].name, value: PROVISIONED[flavor].uid });
}

export function cloudwatchDsVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DS_VAR.cloudwatch)
    .label('CloudWatch')
    .type(PLUGIN.cloudwatch)
    .current({ text: PROVISIONED.cloudwatch.name, value: PROVISIONED.cloudwatch.uid });
}

/** A variable filled by a metrics-store query. */
export function queryVariable(
  dialect: QueryDialect,
  name: string,
  label: string,
  query: string,
  opts: { multi?: boolean; sortDesc?: boolean } = {},
): dashboard.QueryVariableBuilder {
  const v = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(metricsDs(dialect.flavor))
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(opts.sortDesc ? dashboard.VariableSort.Disabled : dashboard.VariableSort.AlphabeticalAsc);
  if (opts.multi) v.multi(true).includeAll(true);
  return v;
}
