import type { RunStore } from '../../../adapters/store/run-store';
import { CONTROL_OUTPUTS, type RunInput } from '../../../contracts';

const { grafanaUrl, ...required } = CONTROL_OUTPUTS;
/** The control stack outputs the CLI cannot work without. */
export const CONTROL_STACK_OUTPUTS = required;
/** Optional output: the fleet's Grafana workspace (when the config has `grafana`). */
export const GRAFANA_URL_OUTPUT = grafanaUrl;

/** What the CLI needs to know about a deployed fleet, from its control stack's outputs. */
export interface FleetStackOutputs {
  readonly stackName: string;
  readonly stateMachineArn: string;
  readonly bucketName: string;
  readonly homeRegion: string;
  /** The live dashboards, when the fleet has a Grafana workspace. */
  readonly grafanaUrl?: string;
}

/** Step Functions execution statuses (DescribeExecution). */
export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

export interface ExecutionState {
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  /** For a failed execution: the Fail state's error (InvalidInput, ThresholdsFailed, RunFailed, …). */
  readonly error?: string;
  readonly cause?: string;
}

/** RUNNING, or a failed execution that a redrive is about to restart. */
export const isExecutionActive = (s: ExecutionStatus): boolean => s === 'RUNNING' || s === 'PENDING_REDRIVE';

/**
 * The AWS side of `k6-fleet run --stack` and `k6-fleet abort`: the fleet's state machine
 * and run store. One small interface, so the follow loop and the commands can be tested
 * with mocked AWS APIs (and an emulated S3).
 */
export interface FleetStack {
  readonly outputs: FleetStackOutputs;
  /** The run-store bucket (S3RunStore): scripts/, runs/<runId>/… */
  readonly store: RunStore;
  /** StartExecution named `name`; resolves to the execution ARN. */
  startExecution(name: string, input: RunInput): Promise<string>;
  /** DescribeExecution of the execution named `name`; undefined when there is none. */
  describeExecution(name: string): Promise<ExecutionState | undefined>;
  /** StopExecution (the status-change rule then also writes abort.json). */
  stopExecution(executionArn: string, cause: string): Promise<void>;
  /** Releases the SDK clients. */
  close(): void;
}

export interface ConnectOptions {
  /** CloudFormation name of the control stack, e.g. `k6-fleet-control`. */
  readonly stackName: string;
  /** The control stack's region. @default AWS_REGION, else AWS_DEFAULT_REGION, else the SDK's profile */
  readonly stackRegion?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export type ConnectFleetStack = (opts: ConnectOptions) => Promise<FleetStack>;

/**
 * A problem with what the user pointed the CLI at (no such stack, not a k6-fleet stack,
 * no region, no credentials, name already used): k6's "invalid config" exit 104.
 */
export class FleetStackError extends Error {
  override readonly name = 'FleetStackError';
}

/**
 * arn:…:states:<region>:<account>:stateMachine:<sm> + name →
 * arn:…:states:<region>:<account>:execution:<sm>:<name> (the documented execution ARN
 * format), so an execution is found by its name without listing executions.
 */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const marker = ':stateMachine:';
  const i = stateMachineArn.indexOf(marker);
  if (i < 0) throw new FleetStackError(`not a state machine ARN: ${stateMachineArn}`);
  return `${stateMachineArn.slice(0, i)}:execution:${stateMachineArn.slice(i + marker.length)}:${name}`;
}

/** The Step Functions console page of an execution. */
export function executionConsoleUrl(executionArn: string): string {
  const region = executionArn.split(':')[3] ?? '';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}
