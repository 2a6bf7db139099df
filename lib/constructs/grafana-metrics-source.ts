import { join } from 'node:path';
import type * as grafana from 'aws-cdk-lib/aws-grafana';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ProvisionerProps } from '../../functions/contracts/grafana-provisioner-props';
import { REPO_ROOT } from '../k6-layer/k6-layer-dir';

/** The metrics store the Grafana workspace reads, one shape per kind. */
export type GrafanaMetricsSource =
  | { kind: 'timestream'; database: string; table: string; tableArn: string }
  | {
      kind: 'prometheus';
      /** The AMP workspace ARN: the only one the Grafana role may query. */
      workspaceArn: string;
      /** Its PrometheusEndpoint (https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/). */
      queryUrl: string;
    }
  | {
      kind: 'timestream-influxdb';
      url: string;
      organization: string;
      bucket: string;
      /** The credentials secret; only the provisioner reads it (into the data source's secure fields). */
      secretArn: string;
      /** Where the workspace must sit to reach a private instance. */
      network?: { subnetIds: string[]; securityGroupIds: string[] };
    };

/** The generated dashboards for each kind (bin/build-dashboards.ts writes them). */
export const DASHBOARDS_FOLDER: Record<GrafanaMetricsSource['kind'], string> = {
  timestream: 'timestream',
  prometheus: 'prometheus',
  'timestream-influxdb': 'influxdb',
};
export const dashboardsDirFor = (kind: GrafanaMetricsSource['kind']): string =>
  join(REPO_ROOT, 'dashboards', DASHBOARDS_FOLDER[kind]);

/** What the workspace reads from the metrics table (the dashboards' queries and the query editor). */
export const WORKSPACE_TABLE_ACTIONS = [
  'timestream:Select',
  'timestream:DescribeTable',
  'timestream:ListMeasures',
] as const;

/** PromQL reads of the AMP workspace (queries, label and series lookups of the query editor). */
export const WORKSPACE_PROMETHEUS_ACTIONS = [
  'aps:QueryMetrics',
  'aps:GetSeries',
  'aps:GetLabels',
  'aps:GetMetricMetadata',
] as const;

/** Actions with no resource-level scoping: Timestream endpoint discovery and `SELECT 1`, CloudWatch reads. */
export function unscopedWorkspaceActions(kind: GrafanaMetricsSource['kind']): string[] {
  const cloudwatch = ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'cloudwatch:GetMetricStatistics'];
  return kind === 'timestream'
    ? ['timestream:DescribeEndpoints', 'timestream:SelectValues', ...cloudwatch]
    : cloudwatch;
}

/** The workspace role's statement on the metrics store itself (InfluxDB needs none: it authenticates by token). */
export function workspaceStoreStatements(src: GrafanaMetricsSource): iam.PolicyStatement[] {
  if (src.kind === 'timestream') {
    return [
      new iam.PolicyStatement({
        sid: 'MetricsTable',
        actions: [...WORKSPACE_TABLE_ACTIONS],
        resources: [src.tableArn],
      }),
    ];
  }
  if (src.kind === 'prometheus') {
    return [
      new iam.PolicyStatement({
        sid: 'MetricsWorkspace',
        actions: [...WORKSPACE_PROMETHEUS_ACTIONS],
        resources: [src.workspaceArn],
      }),
    ];
  }
  return [];
}

/** The AWS data sources the workspace is set up for. */
export function workspaceDataSourceTypes(kind: GrafanaMetricsSource['kind']): string[] {
  if (kind === 'timestream') return ['TIMESTREAM', 'CLOUDWATCH'];
  if (kind === 'prometheus') return ['PROMETHEUS', 'CLOUDWATCH'];
  return ['CLOUDWATCH'];
}

export function workspaceVpcConfiguration(
  src: GrafanaMetricsSource,
): grafana.CfnWorkspace.VpcConfigurationProperty | undefined {
  return src.kind === 'timestream-influxdb' && src.network ? { ...src.network } : undefined;
}

/** The provisioner's properties for the store (Timestream keeps the two it always had). */
export function provisionerStoreProps(src: GrafanaMetricsSource): Partial<ProvisionerProps> {
  switch (src.kind) {
    case 'timestream':
      return { TimestreamDatabase: src.database, TimestreamTable: src.table };
    case 'prometheus':
      return { MetricsKind: 'prometheus', PrometheusUrl: src.queryUrl };
    case 'timestream-influxdb':
      return {
        MetricsKind: 'timestream-influxdb',
        InfluxDbUrl: src.url,
        InfluxDbOrganization: src.organization,
        InfluxDbBucket: src.bucket,
        InfluxDbSecretArn: src.secretArn,
      };
  }
}
