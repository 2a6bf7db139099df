import { writeAbortOnce } from '../../../adapters/aws/abort-writer';
import { getJson } from '../../../adapters/store/run-store';
import {
  type Plan,
  PlanSchema,
  type RunStatus,
  RunStatusSchema,
  runKeys,
  type Summary,
  SummarySchema,
} from '../../../contracts';
import { type ExecutionState, type FleetStack, isExecutionActive } from './fleet-stack';
import type { InterruptSource } from './interrupts';
import type { StackRunEnd } from './stack-exit-code';

/** Consecutive failed polls (after the SDK's own retries) before the CLI gives up. */
const MAX_POLL_FAILURES = 5;
/** Polls that may not find the just-started execution (eventual consistency) before giving up. */
const MAX_MISSING_POLLS = 15;

export interface FollowRunOptions {
  readonly stack: FleetStack;
  readonly runId: string;
  readonly executionArn: string;
  /** Time between polls of the execution and status.json. */
  readonly pollMs: number;
  readonly interrupts: InterruptSource;
  /** Progress lines for the user (stderr). */
  readonly log: (line: string) => void;
  /** plan.json appeared (the run was planned). */
  readonly onPlan?: (plan: Plan) => void;
  /** A new status.json (the watcher ticked); `final` once the execution has ended. */
  readonly onStatus?: (status: RunStatus, plan: Plan | undefined, final: boolean) => void;
}

/**
 * Follows a run started on the fleet until its execution ends: polls DescribeExecution
 * and the run's status.json, reports plan and status as they appear, and reads summary.json
 * at the end. The first interrupt writes abort.json (runners poll it and stop within
 * seconds) and keeps following, so the run still gets its summary; a second one stops the
 * execution (no summary).
 */
export async function followRun(o: FollowRunOptions): Promise<StackRunEnd> {
  const { stack, runId } = o;
  const keys = runKeys(runId);
  let interrupts = 0;
  let handled = 0;
  let wake: (() => void) | undefined;
  const unsubscribe = o.interrupts(() => {
    interrupts++;
    wake?.();
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  let plan: Plan | undefined;
  let lastStatusAt: number | undefined;
  let failures = 0;
  let missing = 0;
  try {
    for (;;) {
      while (handled < interrupts) {
        handled++;
        if (handled === 1) await requestAbort(o);
        else if (handled === 2) await stopNow(o);
      }
      let execution: ExecutionState | undefined;
      let status: RunStatus | undefined;
      try {
        execution = await stack.describeExecution(runId);
        if (!plan) {
          plan = await getJson(stack.store, keys.plan, (v) => PlanSchema.parse(v));
          if (plan) o.onPlan?.(plan);
        }
        status = await getJson(stack.store, keys.status, (v) => RunStatusSchema.parse(v));
        failures = 0;
      } catch (e) {
        failures++;
        if (failures === 1) o.log(`k6-fleet: polling the run failed, retrying: ${(e as Error).message}`);
        if (failures >= MAX_POLL_FAILURES) throw e;
      }
      // A just-started execution may not be visible yet: keep polling, a while.
      if (execution === undefined && failures === 0 && ++missing >= MAX_MISSING_POLLS) {
        throw new Error(`execution ${o.executionArn} was started but DescribeExecution does not find it`);
      }
      const ended = execution !== undefined && !isExecutionActive(execution.status);
      if (status && (status.updatedAt !== lastStatusAt || ended)) {
        lastStatusAt = status.updatedAt;
        o.onStatus?.(status, plan, ended);
      }
      if (execution && ended) {
        const summary: Summary | undefined = await getJson(stack.store, keys.summary, (v) =>
          SummarySchema.parse(v),
        );
        return { execution, summary, interrupted: interrupts > 0 };
      }
      await sleep(o.pollMs);
    }
  } finally {
    wake = undefined;
    unsubscribe();
  }
}

/** A second Ctrl-C: the user wants out now; the execution's end still aborts the runners. */
async function stopNow(o: FollowRunOptions): Promise<void> {
  o.log('k6-fleet: stopping the execution now (no summary will be written)…');
  try {
    await o.stack.stopExecution(o.executionArn, `k6-fleet CLI: run ${o.runId} interrupted twice`);
  } catch (e) {
    o.log(`k6-fleet: could not stop the execution: ${(e as Error).message}`);
  }
}

/** Ctrl-C: abort.json for the runners; if that cannot be written, stopping the execution
 * gets the same abort written by the fleet's status-change rule. */
async function requestAbort(o: FollowRunOptions): Promise<void> {
  try {
    const action = await writeAbortOnce(o.stack.store, o.runId, {
      source: 'cli',
      reason: 'interrupted (Ctrl-C) in the k6-fleet CLI',
      at: Date.now(),
    });
    o.log(
      `\nk6-fleet: ${action === 'written' ? 'asked every runner to stop' : 'the run was already being aborted'}; following until the execution ends (Ctrl-C again to stop the execution now)…`,
    );
  } catch (e) {
    o.log(`k6-fleet: could not write the abort (${(e as Error).message}); stopping the execution instead…`);
    await o.stack.stopExecution(o.executionArn, `k6-fleet CLI: run ${o.runId} interrupted`);
  }
}
