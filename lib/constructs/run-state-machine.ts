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

  constructor(scope: Construct, id: string, props: RunStateMachineProps) {
    super(scope, id);
    const s = RUN_STATES;

    const controlPlaneError = new sfn.Fail(this, s.controlPlaneError, {
      error: RUN_ERRORS.runFailed,
      causePath: `${at.error}.Cause`,
      comment: 'An unexpected error in a control Lambda; the cause holds its message.',
    });
    const invoke = (
      name: string,
      fn: lambda.IFunction,
      payload: Record<string, unknown>,
      resultPath: string,
    ) => {
      const task = new tasks.LambdaInvoke(this, name, {
        lambdaFunction: fn,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
        resultPath,
      });
      task.addCatch(controlPlaneError, { resultPath: at.error });
      return task;
    };

    const start = new sfn.Pass(this, s.start, {
      comment: 'Keeps the raw input beside the execution name (the default run id).',
      parameters: {
        [`${field<ExecutionState>('input')}.$`]: '$',
        [`${field<ExecutionState>('executionName')}.$`]: '$$.Execution.Name',
      },
    });
    const validate = invoke(
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

    const runRef = { 'runId.$': runIdPath };
    const plan = invoke(s.plan, props.plan, { ...runRef, 'input.$': normalizedInputPath }, at.plan);
    const scriptRejected = new sfn.Fail(this, s.scriptRejected, {
      error: RUN_ERRORS.invalidInput,
      causePath: causeOf(at.plan),
    });

    const dispatch = invoke(
      s.dispatch,
      props.dispatch,
      { ...runRef, 'input.$': normalizedInputPath },
      at.dispatch,
    );
    const dispatchFailed = new sfn.Fail(this, s.dispatchFailed, {
      error: RUN_ERRORS.runFailed,
      causePath: causeOf(at.dispatch),
    });

    const watch = invoke(s.watch, props.watch, runRef, at.watch);
    // A tick that hits a transient S3 error is simply retried; the runners' heartbeat
    // timeout is far longer than these retries.
    watch.addRetry({
      errors: ['States.TaskFailed'],
      maxAttempts: 3,
      interval: Duration.seconds(2),
      backoffRate: 2,
    });
    const waitTick = new sfn.Wait(this, s.waitTick, { time: sfn.WaitTime.duration(props.watchInterval) });

    const finalize = invoke(s.finalize, props.finalize, runRef, at.result);
    const passed = new sfn.Succeed(this, s.passed, { outputPath: at.result });
    const thresholdsFailed = new sfn.Fail(this, s.thresholdsFailed, {
      error: RUN_ERRORS.thresholdsFailed,
      causePath: `${at.result}.${field<FinalizeResult>('cause')}`,
    });
    const runFailed = new sfn.Fail(this, s.runFailed, {
      error: RUN_ERRORS.runFailed,
      causePath: `${at.result}.${field<FinalizeResult>('cause')}`,
    });
    const verdictPath = `${at.result}.${field<FinalizeResult>('verdict')}`;
    const phasePath = `${at.watch}.${field<WatchResult>('phase')}`;

    const definition = start
      .next(validate)
      .next(
        new sfn.Choice(this, s.isInputValid)
          .when(sfn.Condition.booleanEquals(okOf(at.validation), false), invalidInput)
          .otherwise(
            plan.next(
              new sfn.Choice(this, s.isPlanned)
                .when(
                  sfn.Condition.booleanEquals(`${at.plan}.${field<PlanResult>('ok')}`, false),
                  scriptRejected,
                )
                .otherwise(
                  dispatch.next(
                    new sfn.Choice(this, s.isDispatched)
                      .when(
                        sfn.Condition.booleanEquals(`${at.dispatch}.${field<DispatchResult>('ok')}`, false),
                        dispatchFailed,
                      )
                      .otherwise(
                        watch.next(
                          new sfn.Choice(this, s.isFinished)
                            .when(
                              sfn.Condition.stringEquals(phasePath, 'finished'),
                              finalize.next(
                                new sfn.Choice(this, s.verdict)
                                  .when(sfn.Condition.stringEquals(verdictPath, 'passed'), passed)
                                  .when(
                                    sfn.Condition.stringEquals(verdictPath, 'thresholds-failed'),
                                    thresholdsFailed,
                                  )
                                  .otherwise(runFailed),
                              ),
                            )
                            .otherwise(waitTick.next(watch)),
                        ),
                      ),
                  ),
                ),
            ),
          ),
      );

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
}
