import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** The metrics back ends a dashboard set is generated for. */
export type Flavor = 'timestream' | 'influxdb' | 'prometheus';
export const FLAVORS: readonly Flavor[] = ['timestream', 'influxdb', 'prometheus'];

/** Grafana plugin ids. */
export const PLUGIN = {
  timestream: 'grafana-timestream-datasource',
  influxdb: 'influxdb',
  prometheus: 'prometheus',
  cloudwatch: 'cloudwatch',
} as const;

/** Dashboard variables that pick the data sources, so imported dashboards work with any names. */
export const DS_VAR = { metrics: 'ds', cloudwatch: 'cloudwatch' } as const;

/** The names and uids our provisioning gives the data sources (the variables default to them). */
export const PROVISIONED = {
  timestream: { name: 'k6-fleet Timestream', uid: 'k6fleet-timestream' },
  influxdb: { name: 'k6-fleet InfluxDB', uid: 'k6fleet-influxdb' },
  prometheus: { name: 'k6-fleet Prometheus', uid: 'k6fleet-prometheus' },
  cloudwatch: { name: 'k6-fleet CloudWatch', uid: 'k6fleet-cloudwatch' },
} as const;

export const metricsDs = (flavor: Flavor): DataSourceRef => ({
  type: PLUGIN[flavor],
  uid: `\${${DS_VAR.metrics}}`,
});
export const cloudwatchDs = (): DataSourceRef => ({
  type: PLUGIN.cloudwatch,
  uid: `\${${DS_VAR.cloudwatch}}`,
});
