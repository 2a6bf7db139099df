import { Duration, TimeZone } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { FleetSchedule } from '../config/fleet-config-schema';

export interface RunSchedulesProps {
  readonly stateMachine: sfn.IStateMachine;
  readonly schedules: readonly FleetSchedule[];
  /** Schedule group name (groups the fleet's schedules in the console). */
  readonly groupName: string;
}

/** EventBridge Scheduler entries that start runs: cron / rate / at, in a time zone, with an input. */
export class RunSchedules extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly schedules: scheduler.Schedule[];

  constructor(scope: Construct, id: string, props: RunSchedulesProps) {
    super(scope, id);
    this.group = new scheduler.ScheduleGroup(this, 'Group', { scheduleGroupName: props.groupName });
    this.schedules = props.schedules.map((s) => {
      const schedule = new scheduler.Schedule(this, s.name, {
        scheduleName: s.name,
        scheduleGroup: this.group,
        description: s.description ?? `k6-fleet run "${s.input.testName ?? s.name}"`,
        enabled: s.enabled,
        schedule: scheduler.ScheduleExpression.expression(s.expression, TimeZone.of(s.timezone)),
        target: new schedulerTargets.StepFunctionsStartExecution(props.stateMachine, {
          input: scheduler.ScheduleTargetInput.fromObject({ testName: s.name, ...s.input }),
          // A missed nightly run should not start hours late, nor twice.
          retryAttempts: 0,
          maxEventAge: Duration.minutes(15),
        }),
      });
      // The group is referenced by name only: make CloudFormation create it first.
      schedule.node.addDependency(this.group);
      return schedule;
    });
  }
}
