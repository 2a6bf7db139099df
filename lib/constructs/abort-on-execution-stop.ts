import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface AbortOnExecutionStopProps {
  readonly stateMachine: sfn.IStateMachine;
  /** The handler that writes abort.json (functions/entrypoints/handlers/abort-on-execution-stop-handler.ts). */
  readonly handler: lambda.IFunction;
}

/** The statuses after which no controller ticks any more, so runners must be told to stop. */
export const STOPPED_STATUSES = ['ABORTED', 'FAILED', 'TIMED_OUT'] as const;

/**
 * A console stop (or a failed / timed-out execution) must reach runners in other regions:
 * Step Functions' status-change event triggers a Lambda that writes the run's abort.json.
 */
export class AbortOnExecutionStop extends Construct {
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: AbortOnExecutionStopProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Writes abort.json for stopped, failed or timed-out k6-fleet runs',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [props.stateMachine.stateMachineArn],
          status: [...STOPPED_STATUSES],
        },
      },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(props.handler, {
        // Runners stop themselves on heartbeat loss anyway; a prompt abort is what matters.
        retryAttempts: 3,
        maxEventAge: Duration.minutes(5),
      }),
    );
  }
}
