import {
  ArnFormat,
  Aws,
  type CfnElement,
  CfnOutput,
  Duration,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { SinkConfig } from '../../functions/adapters/sinks/sink-config';
import { HANDLER_ENV } from '../../functions/contracts/handler-env';
import { CONTROL_OUTPUTS } from '../../functions/contracts/stack-outputs';
import type { FleetConfig } from '../config/fleet-config-schema';
import { fleetNames } from '../config/fleet-names';
import { AbortOnExecutionStop } from '../constructs/abort-on-execution-stop';
import { FleetFunction } from '../constructs/fleet-function';
import { GrafanaDashboards } from '../constructs/grafana-dashboards';
import { K6Layer } from '../constructs/k6-layer';
import { RunSchedules } from '../constructs/run-schedules';
import { RunStateMachine } from '../constructs/run-state-machine';
import { RunStoreBucket } from '../constructs/run-store-bucket';
import { MetricsTable } from '../constructs/timestream-table';
import {
  acknowledgeFleetFunctionFindings,
  acknowledgeGrafanaDashboardsFindings,
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

/** Where Validate stores an inline script, once per run (Plan reads it from there). */
const INLINE_SCRIPT_KEYS = 'runs/*/script.js';

/**
 * The home region: run-store bucket, metrics table, the run state machine with its
 * control Lambdas, the abort-on-stop rule, the schedules and the optional Grafana workspace.
 */
export class ControlStack extends Stack {
  readonly runStore: RunStoreBucket;
  readonly metricsTable?: MetricsTable;
  readonly runStateMachine: RunStateMachine;
  readonly functions: {
    readonly validate: FleetFunction;
    readonly plan: FleetFunction;
    readonly dispatch: FleetFunction;
    readonly watch: FleetFunction;
    readonly finalize: FleetFunction;
    readonly abortOnStop: FleetFunction;
  };
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
      retainOnDelete: config.bucket.retainOnDelete,
    });
    const bucket = this.runStore.bucket;
    if (config.timestream) {
      this.metricsTable = new MetricsTable(this, 'Metrics', {
        ...config.timestream,
        retainOnDelete: config.bucket.retainOnDelete,
      });
    }

    const storeEnv = { [HANDLER_ENV.bucket]: bucket.bucketName, [HANDLER_ENV.bucketRegion]: this.region };
    // The watcher and finalizer are the sink's only writers (runners hand intervals to the watcher).
    const sinkConfig: SinkConfig | undefined = this.metricsTable && {
      kind: 'timestream',
      database: this.metricsTable.databaseName,
      table: this.metricsTable.tableName,
      region: this.region,
    };
    const metricsEnv: Record<string, string> = sinkConfig
      ? { [HANDLER_ENV.sink]: JSON.stringify(sinkConfig) }
      : {};
    const common = { architecture, logRetention };

    const k6Layer = new K6Layer(this, 'K6Layer', { architecture, layerDir: props.k6LayerDir });
    const validate = new FleetFunction(this, 'Validate', {
      ...common,
      handlerFile: 'validate-input-handler.ts',
      description: 'k6-fleet: checks a run input and applies the fleet defaults',
      timeout: Duration.seconds(30),
      environment: {
        ...storeEnv,
        [HANDLER_ENV.runnerRegions]: JSON.stringify(
          config.runnerRegions.map((r) => ({ name: r.region, weight: r.weight })),
        ),
        [HANDLER_ENV.maxVusPerRunner]: String(config.maxVusPerRunner),
      },
    });
    bucket.grantRead(validate, 'scripts/*');
    // An inline script is stored once by Validate and passed on by key.
    bucket.grantRead(validate, INLINE_SCRIPT_KEYS);
    bucket.grantPut(validate, INLINE_SCRIPT_KEYS);

    const plan = new FleetFunction(this, 'Plan', {
      ...common,
      handlerFile: 'plan-run-handler.ts',
      description: 'k6-fleet: k6 inspect, split over regions and runners, write plan.json',
      // k6 inspect compiles the script: give it a full vCPU's worth of memory.
      memorySize: 1769,
      timeout: Duration.minutes(2),
      layers: [k6Layer],
      environment: {
        ...storeEnv,
        [HANDLER_ENV.k6Path]: K6Layer.K6_PATH,
        [HANDLER_ENV.runnerTimeoutSeconds]: String(config.runner.timeoutSeconds),
        [HANDLER_ENV.runnerMemoryMb]: String(config.runner.memoryMb),
        [HANDLER_ENV.runnerArchitecture]: config.runner.architecture,
      },
    });
    bucket.grantRead(plan, 'scripts/*');
    bucket.grantReadWrite(plan, 'runs/*');

    const dispatch = new FleetFunction(this, 'Dispatch', {
      ...common,
      handlerFile: 'dispatch-runners-handler.ts',
      description: 'k6-fleet: starts the runners in their regions',
      timeout: Duration.minutes(5),
      environment: { ...storeEnv, [HANDLER_ENV.runnerFunctionName]: names.runnerFunction },
    });
    bucket.grantReadWrite(dispatch, 'runs/*');
    for (const r of config.runnerRegions) {
      // The runner lives in another region of this account: an identity policy on the
      // dispatcher's role is all it takes (no resource policy on the runner).
      const runner = lambda.Function.fromFunctionAttributes(this, `Runner-${r.region}`, {
        functionArn: this.formatArn({
          service: 'lambda',
          region: r.region,
          // Ref AWS::AccountId, like the runner stacks' derived names: account-agnostic templates.
          account: Aws.ACCOUNT_ID,
          resource: 'function',
          resourceName: names.runnerFunction,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
        skipPermissions: true,
      });
      runner.grantInvoke(dispatch);
      acknowledgeInvokeGrant(
        dispatch,
        `arn:<AWS::Partition>:lambda:${r.region}:<AWS::AccountId>:function:${names.runnerFunction}`,
        `the runner function in ${r.region}`,
      );
    }

    const watch = new FleetFunction(this, 'Watch', {
      ...common,
      handlerFile: 'watch-run-handler.ts',
      description: 'k6-fleet: one controller tick (merge, thresholds, heartbeat, abort)',
      memorySize: 1024,
      timeout: Duration.minutes(1),
      environment: { ...storeEnv, ...metricsEnv },
    });
    bucket.grantReadWrite(watch, 'runs/*');
    this.metricsTable?.grantWrite(watch);

    const finalize = new FleetFunction(this, 'Finalize', {
      ...common,
      handlerFile: 'finalize-run-handler.ts',
      description: 'k6-fleet: summary.json, report.html, history, Run Finished event',
      memorySize: 1024,
      timeout: Duration.minutes(2),
      nodeModuleFiles: ['uplot/package.json', 'uplot/dist/uPlot.iife.min.js', 'uplot/dist/uPlot.min.css'],
      environment: { ...storeEnv, ...metricsEnv, [HANDLER_ENV.eventBus]: 'default' },
    });
    bucket.grantReadWrite(finalize, 'runs/*');
    bucket.grantReadWrite(finalize, 'history/*');
    this.metricsTable?.grantWrite(finalize);
    events.EventBus.fromEventBusName(this, 'DefaultBus', 'default').grantPutEventsTo(finalize);

    const abortOnStop = new FleetFunction(this, 'AbortOnStop', {
      ...common,
      handlerFile: 'abort-on-execution-stop-handler.ts',
      description: 'k6-fleet: writes abort.json when a run execution stops, fails or times out',
      timeout: Duration.seconds(30),
      environment: storeEnv,
    });
    bucket.grantReadWrite(abortOnStop, 'runs/*');

    this.functions = { validate, plan, dispatch, watch, finalize, abortOnStop };

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

    if (config.grafana?.enabled) {
      // The config schema already refuses this; a construct-level guard for direct callers.
      if (!this.metricsTable) throw new Error('grafana needs timestream: the dashboards read its table');
      this.grafana = new GrafanaDashboards(this, 'Grafana', {
        timestreamDatabase: this.metricsTable.databaseName,
        timestreamTable: this.metricsTable.tableName,
        timestreamTableArn: this.metricsTable.tableArn,
        authenticationProviders: config.grafana.authenticationProviders,
        workspaceName: config.grafana.workspaceName ?? config.name,
        provisionDashboards: config.grafana.provisionDashboards,
        ...common,
      });
      new CfnOutput(this, CONTROL_OUTPUTS.grafanaUrl, {
        value: this.grafana.url,
        description: 'Amazon Managed Grafana workspace with the k6-fleet dashboards',
      });
    }

    this.acknowledgeNagFindings();
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
