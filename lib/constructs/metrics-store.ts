import { Stack } from 'aws-cdk-lib';
import * as aps from 'aws-cdk-lib/aws-aps';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { SinkConfig } from '../../functions/contracts/sink-config';
import type { MetricsSettings } from '../config/metrics-config-schema';
import type { GrafanaMetricsSource } from './grafana-metrics-source';
import { InfluxDbInstance, type WriterNetwork } from './influxdb-instance';
import { MetricsTable } from './timestream-table';

/** The env var the handler fills in-process from the secret (never set on the function). */
export const INFLUXDB_PASSWORD_ENV = 'K6_FLEET_SINK_PASSWORD';

export interface MetricsStoreProps {
  readonly settings: MetricsSettings;
  /** Default name of the workspace / instance. */
  readonly fleetName: string;
  readonly retainOnDelete: boolean;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The live metrics store the config picks: an Amazon Managed Service for Prometheus
 * workspace, a Timestream for InfluxDB instance, or a Timestream LiveAnalytics table. It
 * tells the writers (watcher, finalizer) their sink config, grants them write access and,
 * for InfluxDB, where they must run. Not a construct of its own: the resources sit in the
 * stack under the ids they always had (the LiveAnalytics table is `Metrics`), so an
 * existing deployment keeps its table.
 */
export class MetricsStore {
  readonly kind: MetricsSettings['kind'];
  readonly sinkConfig: SinkConfig;
  readonly table?: MetricsTable;
  readonly prometheus?: aps.CfnWorkspace;
  readonly influxdb?: InfluxDbInstance;
  /** Present when the writers must run in a VPC (InfluxDB). */
  readonly writerNetwork?: WriterNetwork;
  /** ARN of the secret the writers read at cold start (InfluxDB). */
  readonly sinkSecretArn?: string;

  constructor(scope: Construct, props: MetricsStoreProps) {
    const s = props.settings;
    const region = Stack.of(scope).region;
    this.kind = s.kind;
    switch (s.kind) {
      case 'timestream': {
        const { kind: _kind, ...tableProps } = s;
        this.table = new MetricsTable(scope, 'Metrics', {
          ...tableProps,
          retainOnDelete: props.retainOnDelete,
        });
        this.sinkConfig = { kind: 'timestream', database: s.databaseName, table: s.tableName, region };
        break;
      }
      case 'prometheus': {
        this.prometheus = new aps.CfnWorkspace(scope, 'MetricsWorkspace', {
          alias: s.workspaceAlias ?? props.fleetName,
        });
        // PrometheusEndpoint ends with "/": https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/
        this.sinkConfig = {
          kind: 'prometheus',
          url: `${this.prometheus.attrPrometheusEndpoint}api/v1/remote_write`,
          sigv4: { region },
          nativeHistograms: s.nativeHistograms,
        };
        break;
      }
      case 'timestream-influxdb': {
        this.influxdb = new InfluxDbInstance(scope, 'MetricsInfluxDb', {
          settings: s,
          instanceName: s.instanceName ?? props.fleetName,
          retainOnDelete: props.retainOnDelete,
          logRetention: props.logRetention,
        });
        this.writerNetwork = this.influxdb.writerNetwork;
        this.sinkSecretArn = this.influxdb.secret.secretArn;
        this.sinkConfig = {
          kind: 'influxdb',
          url: this.influxdb.url,
          database: s.bucket,
          passwordEnv: INFLUXDB_PASSWORD_ENV,
        };
        break;
      }
    }
  }

  /** Least privilege for one writer: RemoteWrite on the workspace, WriteRecords on the table, or the secret. */
  grantWrite(grantee: iam.IGrantable): void {
    if (this.table) this.table.grantWrite(grantee);
    if (this.prometheus) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['aps:RemoteWrite'],
        resourceArns: [this.prometheus.attrArn],
      });
    }
    this.influxdb?.grantReadCredentials(grantee);
  }
}

/** What the Grafana workspace needs to read the store. */
export function grafanaSourceOf(store: MetricsStore): GrafanaMetricsSource {
  if (store.table) {
    const t = store.table;
    return { kind: 'timestream', database: t.databaseName, table: t.tableName, tableArn: t.tableArn };
  }
  if (store.prometheus) {
    return {
      kind: 'prometheus',
      workspaceArn: store.prometheus.attrArn,
      queryUrl: store.prometheus.attrPrometheusEndpoint,
    };
  }
  const influx = store.influxdb;
  if (!influx) throw new Error('metrics store without a resource');
  const s = influx.settings;
  return {
    kind: 'timestream-influxdb',
    url: influx.url,
    organization: s.organization,
    bucket: s.bucket,
    secretArn: influx.secret.secretArn,
    // A public instance is reached over the internet; a private one from inside its VPC.
    network: s.publiclyAccessible
      ? undefined
      : {
          subnetIds: influx.vpc.selectSubnets(influx.writerNetwork.vpcSubnets).subnetIds,
          securityGroupIds: [influx.writerSecurityGroup.securityGroupId],
        },
  };
}
