import { ArnFormat, Aws, Duration, type Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { HANDLER_ENV } from '../../functions/contracts/handler-env';
import type { FleetConfig } from '../config/fleet-config-schema';
import type { FleetNames } from '../config/fleet-names';
import { FleetFunction } from '../constructs/fleet-function';
import { K6Layer } from '../constructs/k6-layer';
import type { MetricsStore } from '../constructs/metrics-store';
import { acknowledgeInvokeGrant } from './nag-acknowledgements';

/** Where Validate stores an inline script, once per run (Plan reads it from there). */
export const INLINE_SCRIPT_KEYS = 'runs/*/script.js';

export interface ControlFunctionsProps {
  readonly config: FleetConfig;
  readonly names: FleetNames;
  readonly bucket: s3.IBucket;
  /** The metrics store; without it the watcher and finalizer write no metrics. */
  readonly metricsStore?: MetricsStore;
  /** Folder holding bin/k6 for the config's architecture (the planner runs `k6 inspect`). */
  readonly k6LayerDir: string;
  readonly architecture: lambda.Architecture;
  readonly logRetention: logs.RetentionDays;
}

/** The control Lambdas of a run, each granted only the run-store prefixes it uses. */
export interface ControlFunctions {
  readonly validate: FleetFunction;
  readonly plan: FleetFunction;
  readonly dispatch: FleetFunction;
  readonly watch: FleetFunction;
  readonly finalize: FleetFunction;
  readonly abortOnStop: FleetFunction;
}

interface Shared {
  stack: Stack;
  props: ControlFunctionsProps;
  common: { architecture: lambda.Architecture; logRetention: logs.RetentionDays };
  storeEnv: Record<string, string>;
  metricsEnv: Record<string, string>;
}

/** Creates the control Lambdas in the control stack (construct ids as the stack always had). */
export function createControlFunctions(stack: Stack, props: ControlFunctionsProps): ControlFunctions {
  const { bucket, metricsStore } = props;
  // The watcher and finalizer are the sink's only writers (runners hand intervals to the watcher).
  const metricsEnv: Record<string, string> = metricsStore
    ? { [HANDLER_ENV.sink]: JSON.stringify(metricsStore.sinkConfig) }
    : {};
  if (metricsStore?.sinkSecretArn) metricsEnv[HANDLER_ENV.sinkSecretArn] = metricsStore.sinkSecretArn;
  const s: Shared = {
    stack,
    props,
    common: { architecture: props.architecture, logRetention: props.logRetention },
    storeEnv: { [HANDLER_ENV.bucket]: bucket.bucketName, [HANDLER_ENV.bucketRegion]: stack.region },
    metricsEnv,
  };
  const k6Layer = new K6Layer(stack, 'K6Layer', {
    architecture: props.architecture,
    layerDir: props.k6LayerDir,
  });
  return {
    validate: validateFunction(s),
    plan: planFunction(s, k6Layer),
    dispatch: dispatchFunction(s),
    watch: watchFunction(s),
    finalize: finalizeFunction(s),
    abortOnStop: abortOnStopFunction(s),
  };
}

function validateFunction({ stack, props, common, storeEnv }: Shared): FleetFunction {
  const { config, bucket } = props;
  const validate = new FleetFunction(stack, 'Validate', {
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
  return validate;
}

function planFunction({ stack, props, common, storeEnv }: Shared, k6Layer: K6Layer): FleetFunction {
  const { config, bucket } = props;
  const plan = new FleetFunction(stack, 'Plan', {
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
  grantReadServerMetrics(plan);
  return plan;
}

function dispatchFunction({ stack, props, common, storeEnv }: Shared): FleetFunction {
  const { config, bucket, names } = props;
  const dispatch = new FleetFunction(stack, 'Dispatch', {
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
    const runner = lambda.Function.fromFunctionAttributes(stack, `Runner-${r.region}`, {
      functionArn: stack.formatArn({
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
  return dispatch;
}

function watchFunction({ stack, props, common, storeEnv, metricsEnv }: Shared): FleetFunction {
  const watch = new FleetFunction(stack, 'Watch', {
    ...common,
    handlerFile: 'watch-run-handler.ts',
    description: 'k6-fleet: one controller tick (merge, thresholds, heartbeat, abort)',
    memorySize: 1024,
    timeout: Duration.minutes(1),
    environment: { ...storeEnv, ...metricsEnv },
    ...props.metricsStore?.writerNetwork,
  });
  props.bucket.grantReadWrite(watch, 'runs/*');
  props.metricsStore?.grantWrite(watch);
  grantReadServerMetrics(watch);
  return watch;
}

/**
 * CloudWatch server-metric sources of a run: the planner probes them, the watcher reads
 * them each window. GetMetricData reads only, and has no resource-level scoping.
 */
function grantReadServerMetrics(fn: FleetFunction): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
}

function finalizeFunction({ stack, props, common, storeEnv, metricsEnv }: Shared): FleetFunction {
  const finalize = new FleetFunction(stack, 'Finalize', {
    ...common,
    handlerFile: 'finalize-run-handler.ts',
    description: 'k6-fleet: summary.json, report.html, history, Run Finished event',
    memorySize: 1024,
    timeout: Duration.minutes(2),
    nodeModuleFiles: ['uplot/package.json', 'uplot/dist/uPlot.iife.min.js', 'uplot/dist/uPlot.min.css'],
    environment: { ...storeEnv, ...metricsEnv, [HANDLER_ENV.eventBus]: 'default' },
    ...props.metricsStore?.writerNetwork,
  });
  props.bucket.grantReadWrite(finalize, 'runs/*');
  props.bucket.grantReadWrite(finalize, 'history/*');
  props.metricsStore?.grantWrite(finalize);
  events.EventBus.fromEventBusName(stack, 'DefaultBus', 'default').grantPutEventsTo(finalize);
  return finalize;
}

function abortOnStopFunction({ stack, props, common, storeEnv }: Shared): FleetFunction {
  const abortOnStop = new FleetFunction(stack, 'AbortOnStop', {
    ...common,
    handlerFile: 'abort-on-execution-stop-handler.ts',
    description: 'k6-fleet: writes abort.json when a run execution stops, fails or times out',
    timeout: Duration.seconds(30),
    environment: storeEnv,
  });
  props.bucket.grantReadWrite(abortOnStop, 'runs/*');
  return abortOnStop;
}
