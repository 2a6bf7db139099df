import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  type DispatchResult,
  type ExecutionState,
  type FinalizeResult,
  field,
  type PlanResult,
  type ValidateResult,
  type WatchResult,
} from '../../functions/contracts/task-io';

/** State names: the console shows them, and local runs bind Task handlers by them. */
export const RUN_STATES = {
  start: 'Start',
  validate: 'Validate',
  isInputValid: 'Is input valid?',
  invalidInput: 'InvalidInput',
  plan: 'Plan',
  isPlanned: 'Is script accepted?',
  scriptRejected: 'ScriptRejected',
  dispatch: 'Dispatch',
  isDispatched: 'Did all runners start?',
  dispatchFailed: 'DispatchFailed',
  watch: 'Watch',
  isFinished: 'Is run finished?',
  waitTick: 'Wait for next tick',
  finalize: 'Finalize',
  verdict: 'Verdict',
  passed: 'Passed',
  thresholdsFailed: 'ThresholdsFailed',
  runFailed: 'RunFailed',
  controlPlaneError: 'ControlPlaneError',
} as const;

/** The `Error` names a failed execution ends with. */
export const RUN_ERRORS = {
  invalidInput: 'InvalidInput',
  thresholdsFailed: 'ThresholdsFailed',
  runFailed: 'RunFailed',
} as const;

export interface RunStateMachineProps {
  readonly stateMachineName?: string;
  readonly validate: lambda.IFunction;
  readonly plan: lambda.IFunction;
  readonly dispatch: lambda.IFunction;
  readonly watch: lambda.IFunction;
  readonly finalize: lambda.IFunction;
  /** Seconds between watch ticks. */
  readonly watchInterval: Duration;
  /** Longest execution; a TIMED_OUT execution aborts its runners. */
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
}

type Ok<T> = Extract<T, { ok: true }>;
type NotOk<T> = Extract<T, { ok: false }>;

// JSONPaths into the state data, built from the task result types (functions/contracts/task-io).
const at = {
  input: `$.${field<ExecutionState>('input')}`,
  executionName: `$.${field<ExecutionState>('executionName')}`,
  validation: '$.validation',
  plan: '$.plan',
  dispatch: '$.dispatch',
  watch: '$.watch',
  result: '$.result',
  error: '$.error',
};
const okOf = (path: string) => `${path}.${field<ValidateResult>('ok')}`;
const causeOf = (path: string) => `${path}.${field<NotOk<ValidateResult>>('cause')}`;
const runIdPath = `${at.validation}.${field<Ok<ValidateResult>>('runId')}`;
const normalizedInputPath = `${at.validation}.${field<Ok<ValidateResult>>('input')}`;
const runRef = { 'runId.$': runIdPath };

/**
 * The run, as a Standard state machine:
 * Validate → Plan → Dispatch → Watch loop (Watch → Choice → Wait) → Finalize → Passed,
 * or Fail with `InvalidInput`, `ThresholdsFailed` or `RunFailed` and a cause a user can act
 * on. User-fixable problems come back from the Lambdas as `{ ok: false, cause }` (the
 * cause then reads the same in AWS and in local runs); anything unexpected is caught into
 * `ControlPlaneError` (error `RunFailed`), and the failed execution aborts its runners
 * through the status-change rule.
 */
export class RunStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  private readonly controlPlaneError: sfn.Fail;

  constructor(scope: Construct, id: string, props: RunStateMachineProps) {
    super(scope, id);
    this.controlPlaneError = new sfn.Fail(this, RUN_STATES.controlPlaneError, {
      error: RUN_ERRORS.runFailed,
      causePath: `${at.error}.Cause`,
      comment: 'An unexpected error in a control Lambda; the cause holds its message.',
    });
    const st: RunStates = {
      ...this.validateStates(props),
      ...this.planStates(props),
      ...this.dispatchStates(props),
      ...this.watchStates(props),
      ...this.finalizeStates(props),
    };
    const definition = st.start.next(st.validate).next(this.afterValidate(st));

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: props.timeout,
      tracingEnabled: true,
      // Execution data stays out of the logs: the input's env values may be secrets.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: 'k6-fleet run: Validate → Plan → Dispatch → Watch loop → Finalize',
    });
  }

  /** A control Lambda task; anything it throws ends the run in ControlPlaneError. */
  private invoke(
    name: string,
    fn: lambda.IFunction,
    payload: Record<string, unknown>,
    resultPath: string,
  ): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, name, {
      lambdaFunction: fn,
      payload: sfn.TaskInput.fromObject(payload),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      resultPath,
    });
    task.addCatch(this.controlPlaneError, { resultPath: at.error });
    return task;
  }

  private validateStates(props: RunStateMachineProps) {
    const s = RUN_STATES;
    const start = new sfn.Pass(this, s.start, {
      comment: 'Keeps the raw input beside the execution name (the default run id).',
      parameters: {
        [`${field<ExecutionState>('input')}.$`]: '$',
        [`${field<ExecutionState>('executionName')}.$`]: '$$.Execution.Name',
      },
    });
    const validate = this.invoke(
      s.validate,
      props.validate,
      {
        [`${field<ExecutionState>('input')}.$`]: at.input,
        [`${field<ExecutionState>('executionName')}.$`]: at.executionName,
      },
      at.validation,
    );
    const invalidInput = new sfn.Fail(this, s.invalidInput, {
      error: RUN_ERRORS.invalidInput,
      causePath: causeOf(at.validation),
    });
    return { start, validate, invalidInput };
  }

  private planStates(props: RunStateMachineProps) {
    const s = RUN_STATES;
    const plan = this.invoke(s.plan, props.plan, { ...runRef, 'input.$': normalizedInputPath }, at.plan);
    const scriptRejected = new sfn.Fail(this, s.scriptRejected, {
      error: RUN_ERRORS.invalidInput,
      causePath: causeOf(at.plan),
    });
    return { plan, scriptRejected };
  }

  private dispatchStates(props: RunStateMachineProps) {
    const s = RUN_STATES;
    const dispatch = this.invoke(
      s.dispatch,
      props.dispatch,
      { ...runRef, 'input.$': normalizedInputPath },
      at.dispatch,
    );
    const dispatchFailed = new sfn.Fail(this, s.dispatchFailed, {
      error: RUN_ERRORS.runFailed,
      causePath: causeOf(at.dispatch),
    });
    return { dispatch, dispatchFailed };
  }

  private watchStates(props: RunStateMachineProps) {
    const s = RUN_STATES;
    const watch = this.invoke(s.watch, props.watch, runRef, at.watch);
    // A tick that hits a transient S3 error is simply retried; the runners' heartbeat
    // timeout is far longer than these retries.
    watch.addRetry({
      errors: ['States.TaskFailed'],
      maxAttempts: 3,
      interval: Duration.seconds(2),
      backoffRate: 2,
    });
    const waitTick = new sfn.Wait(this, s.waitTick, { time: sfn.WaitTime.duration(props.watchInterval) });
    return { watch, waitTick };
  }

  private finalizeStates(props: RunStateMachineProps) {
    const s = RUN_STATES;
    const finalize = this.invoke(s.finalize, props.finalize, runRef, at.result);
    const passed = new sfn.Succeed(this, s.passed, { outputPath: at.result });
    const thresholdsFailed = new sfn.Fail(this, s.thresholdsFailed, {
      error: RUN_ERRORS.thresholdsFailed,
      causePath: `${at.result}.${field<FinalizeResult>('cause')}`,
    });
    const runFailed = new sfn.Fail(this, s.runFailed, {
      error: RUN_ERRORS.runFailed,
      causePath: `${at.result}.${field<FinalizeResult>('cause')}`,
    });
    return { finalize, passed, thresholdsFailed, runFailed };
  }

  // The chain, one Choice per step: each step's `ok: false` ends in its Fail state.

  private afterValidate(st: RunStates): sfn.IChainable {
    return new sfn.Choice(this, RUN_STATES.isInputValid)
      .when(sfn.Condition.booleanEquals(okOf(at.validation), false), st.invalidInput)
      .otherwise(st.plan.next(this.afterPlan(st)));
  }

  private afterPlan(st: RunStates): sfn.IChainable {
    return new sfn.Choice(this, RUN_STATES.isPlanned)
      .when(sfn.Condition.booleanEquals(`${at.plan}.${field<PlanResult>('ok')}`, false), st.scriptRejected)
      .otherwise(st.dispatch.next(this.afterDispatch(st)));
  }

  private afterDispatch(st: RunStates): sfn.IChainable {
    return new sfn.Choice(this, RUN_STATES.isDispatched)
      .when(
        sfn.Condition.booleanEquals(`${at.dispatch}.${field<DispatchResult>('ok')}`, false),
        st.dispatchFailed,
      )
      .otherwise(st.watch.next(this.afterWatch(st)));
  }

  /** The watch loop: tick, wait, tick … until the watcher reports the run finished. */
  private afterWatch(st: RunStates): sfn.IChainable {
    const phasePath = `${at.watch}.${field<WatchResult>('phase')}`;
    return new sfn.Choice(this, RUN_STATES.isFinished)
      .when(sfn.Condition.stringEquals(phasePath, 'finished'), st.finalize.next(this.verdict(st)))
      .otherwise(st.waitTick.next(st.watch));
  }

  private verdict(st: RunStates): sfn.IChainable {
    const verdictPath = `${at.result}.${field<FinalizeResult>('verdict')}`;
    return new sfn.Choice(this, RUN_STATES.verdict)
      .when(sfn.Condition.stringEquals(verdictPath, 'passed'), st.passed)
      .when(sfn.Condition.stringEquals(verdictPath, 'thresholds-failed'), st.thresholdsFailed)
      .otherwise(st.runFailed);
  }
}

interface RunStates {
  start: sfn.Pass;
  validate: tasks.LambdaInvoke;
  invalidInput: sfn.Fail;
  plan: tasks.LambdaInvoke;
  scriptRejected: sfn.Fail;
  dispatch: tasks.LambdaInvoke;
  dispatchFailed: sfn.Fail;
  watch: tasks.LambdaInvoke;
  waitTick: sfn.Wait;
  finalize: tasks.LambdaInvoke;
  passed: sfn.Succeed;
  thresholdsFailed: sfn.Fail;
  runFailed: sfn.Fail;
}
