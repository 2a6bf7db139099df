import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** The two metrics back ends a dashboard set is generated for. */
export type Flavor = 'timestream' | 'influxdb';
export const FLAVORS: readonly Flavor[] = ['timestream', 'influxdb'];

/** Grafana plugin ids. */
export const PLUGIN = {
  timestream: 'grafana-timestream-datasource',
  influxdb: 'influxdb',
  cloudwatch: 'cloudwatch',
} as const;

/** Dashboard variables that pick the data sources, so imported dashboards work with any names. */
export const DS_VAR = { metrics: 'ds', cloudwatch: 'cloudwatch' } as const;

/** The names and uids our provisioning gives the data sources (the variables default to them). */
export const PROVISIONED = {
  timestream: { name: 'k6-fleet Timestream', uid: 'k6fleet-timestream' },
  influxdb: { name: 'k6-fleet InfluxDB', uid: 'k6fleet-influxdb' },
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
