import { Aws, type CfnElement, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CONTROL_OUTPUTS } from '../../functions/contracts/stack-outputs';
import type { FleetConfig } from '../config/fleet-config-schema';
import { fleetNames } from '../config/fleet-names';
import { metricsSettingsOf } from '../config/metrics-config-schema';
import { AbortOnExecutionStop } from '../constructs/abort-on-execution-stop';
import { GrafanaDashboards } from '../constructs/grafana-dashboards';
import { grafanaSourceOf, MetricsStore } from '../constructs/metrics-store';
import { RunSchedules } from '../constructs/run-schedules';
import { RunStateMachine } from '../constructs/run-state-machine';
import { RunStoreBucket } from '../constructs/run-store-bucket';
import type { MetricsTable } from '../constructs/timestream-table';
import { type ControlFunctions, createControlFunctions, INLINE_SCRIPT_KEYS } from './control-functions';
import {
  acknowledgeFleetFunctionFindings,
  acknowledgeGrafanaDashboardsFindings,
  acknowledgeInfluxDbFindings,
  acknowledgeInlineScriptGrant,
  acknowledgeInvokeGrant,
  acknowledgeRunStoreGrant,
  nagRef,
} from './nag-acknowledgements';

export interface ControlStackProps extends StackProps {
  readonly config: FleetConfig;
  /** Folder holding bin/k6 for the config's architecture (the planner runs `k6 inspect`). */
  readonly k6LayerDir: string;
}

/**
 * The home region: run-store bucket, metrics table, the run state machine with its
 * control Lambdas, the abort-on-stop rule, the schedules and the optional Grafana workspace.
 */
export class ControlStack extends Stack {
  readonly runStore: RunStoreBucket;
  readonly metricsStore?: MetricsStore;
  /** The LiveAnalytics table, when the store is Timestream. */
  readonly metricsTable?: MetricsTable;
  readonly runStateMachine: RunStateMachine;
  readonly functions: ControlFunctions;
  readonly schedules: RunSchedules;
  readonly grafana?: GrafanaDashboards;

  constructor(scope: Construct, id: string, props: ControlStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = fleetNames(config, Aws.ACCOUNT_ID);
    const architecture =
      config.runner.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.runStore = new RunStoreBucket(this, 'RunStore', {
      bucketName: names.bucket,
      retentionDays: config.bucket.retentionDays,
      intervalRetentionDays: config.bucket.intervalRetentionDays,
      historyRetentionDays: config.bucket.historyRetentionDays,
      retainOnDelete: config.bucket.retainOnDelete,
    });
    const bucket = this.runStore.bucket;
    const metrics = metricsSettingsOf(config);
    if (metrics) {
      this.metricsStore = new MetricsStore(this, {
        settings: metrics,
        fleetName: config.name,
        retainOnDelete: config.bucket.retainOnDelete,
        logRetention,
      });
      this.metricsTable = this.metricsStore.table;
    }

    this.functions = createControlFunctions(this, {
      config,
      names,
      bucket,
      metricsStore: this.metricsStore,
      k6LayerDir: props.k6LayerDir,
      architecture,
      logRetention,
    });
    const { validate, plan, dispatch, watch, finalize, abortOnStop } = this.functions;

    this.runStateMachine = new RunStateMachine(this, 'Run', {
      stateMachineName: names.stateMachine,
      validate,
      plan,
      dispatch,
      watch,
      finalize,
      watchInterval: Duration.seconds(config.watchIntervalSeconds),
      // Room for planning, the runners' whole life and finalizing; TIMED_OUT aborts runners.
      timeout: Duration.seconds(config.runner.timeoutSeconds + 15 * 60),
      logRetention,
    });
    const stateMachine = this.runStateMachine.stateMachine;
    new AbortOnExecutionStop(this, 'AbortOnStopRule', { stateMachine, handler: abortOnStop });
    this.schedules = new RunSchedules(this, 'Schedules', {
      stateMachine,
      schedules: config.schedules,
      groupName: config.name,
    });

    new CfnOutput(this, CONTROL_OUTPUTS.stateMachineArn, { value: stateMachine.stateMachineArn });
    new CfnOutput(this, CONTROL_OUTPUTS.bucketName, { value: bucket.bucketName });
    new CfnOutput(this, CONTROL_OUTPUTS.region, { value: this.region });

    if (config.grafana?.enabled)
      this.grafana = this.addGrafana(config, config.grafana, { architecture, logRetention });
    this.acknowledgeNagFindings();
  }

  /** The Managed Grafana workspace with the fleet's dashboards, reading the metrics store. */
  private addGrafana(
    config: FleetConfig,
    grafanaConfig: NonNullable<FleetConfig['grafana']>,
    common: { architecture: lambda.Architecture; logRetention: logs.RetentionDays },
  ): GrafanaDashboards {
    // The config schema already refuses this; a construct-level guard for direct callers.
    if (!this.metricsStore) throw new Error('grafana needs a metrics store: the dashboards read it');
    const grafana = new GrafanaDashboards(this, 'Grafana', {
      metrics: grafanaSourceOf(this.metricsStore),
      authenticationProviders: grafanaConfig.authenticationProviders,
      workspaceName: grafanaConfig.workspaceName ?? config.name,
      provisionDashboards: grafanaConfig.provisionDashboards,
      ...common,
    });
    new CfnOutput(this, CONTROL_OUTPUTS.grafanaUrl, {
      value: grafana.url,
      description: 'Amazon Managed Grafana workspace with the k6-fleet dashboards',
    });
    return grafana;
  }

  /** cdk-nag findings of this stack, each acknowledged with its reason. */
  private acknowledgeNagFindings(): void {
    const f = this.functions;
    for (const fn of Object.values(f)) acknowledgeFleetFunctionFindings(fn);
    const bucketArn = nagRef(this.runStore.bucket.node.defaultChild as CfnElement);
    acknowledgeRunStoreGrant(f.validate, bucketArn, ['scripts/'], 'read');
    acknowledgeInlineScriptGrant(f.validate, bucketArn, INLINE_SCRIPT_KEYS);
    acknowledgeRunStoreGrant(f.plan, bucketArn, ['scripts/'], 'read');
    acknowledgeRunStoreGrant(f.plan, bucketArn, ['runs/'], 'readWrite');
    acknowledgeRunStoreGrant(f.dispatch, bucketArn, ['runs/'], 'readWrite');
    acknowledgeRunStoreGrant(f.watch, bucketArn, ['runs/'], 'readWrite');
    acknowledgeRunStoreGrant(f.finalize, bucketArn, ['runs/', 'history/'], 'readWrite');
    acknowledgeRunStoreGrant(f.abortOnStop, bucketArn, ['runs/'], 'readWrite');
    const sm = this.runStateMachine;
    for (const fn of [f.validate, f.plan, f.dispatch, f.watch, f.finalize]) {
      acknowledgeInvokeGrant(
        sm,
        nagRef(fn.node.defaultChild as CfnElement),
        `the ${fn.node.id} task's function`,
      );
    }
    Validations.of(sm).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing of the state machine: xray:PutTraceSegments and friends support no resource-level scoping.',
    });
    if (this.grafana) acknowledgeGrafanaDashboardsFindings(this.grafana);
    const influx = this.metricsStore?.influxdb;
    if (influx) acknowledgeInfluxDbFindings(influx.secret, [f.watch, f.finalize]);
    if (this.metricsTable) {
      Validations.of(this.metricsTable).acknowledge(
        {
          id: 'AwsSolutions-TS3',
          reason:
            'Metrics are load-test measurements, not customer data; the AWS-owned key avoids cross-region KMS grants for the runners that write them.',
        },
        {
          id: 'CloudFormation-Validate::W3697',
          reason:
            'Timestream LiveAnalytics is in maintenance mode; the config opted into it (accounts that already use it). Omit "timestream" from the config to create none.',
        },
      );
    }
  }
}
