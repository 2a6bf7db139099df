import type { AbortInfo, Plan, RunnerState, RunStatus, ThresholdState } from '../../contracts';
import type { WatchState } from '../../contracts/watch-state';
import { decideVerdict } from '../../core/verdict/verdict';

export interface StatusInputs {
  runId: string;
  plan: Plan;
  state: WatchState;
  now: number;
  elapsedMs: number;
  thresholds: ThresholdState[];
  missing: string[];
  abort: AbortInfo | undefined;
  finished: boolean;
}

/** The run's status.json after a tick; a finished run carries its verdict and exit code. */
export function runStatus(i: StatusInputs): RunStatus {
  const { plan, state, abort, finished } = i;
  const startAt = state.startAt;
  const status: RunStatus = {
    v: 1,
    runId: i.runId,
    testName: plan.testName,
    phase: finished ? 'finished' : startAt === undefined ? 'starting' : abort ? 'finishing' : 'running',
    updatedAt: i.now,
    startAt,
    elapsedMs: i.elapsedMs,
    plannedDurationMs: plan.requirements.totalDurationMs,
    current: state.lastPoint,
    thresholds: i.thresholds,
    runners: runnerStates(plan, state, i.missing),
    abort,
    anomalies: state.anomalies,
  };
  if (finished) {
    const v = decideVerdict({
      abort,
      results: Object.values(state.results),
      missingRunners: plan.runners.filter((r) => !state.results[r.runnerId]).map((r) => r.runnerId),
      thresholdsFailed: i.thresholds.some((t) => !t.ok),
    });
    status.verdict = v.verdict;
    status.exitCode = v.exitCode;
  }
  return status;
}

function runnerStates(plan: Plan, state: WatchState, missing: string[]): RunnerState[] {
  return plan.runners.map((r) => {
    const res = state.results[r.runnerId];
    let s: RunnerState['state'] = 'pending';
    if (res) s = res.outcome === 'failed' ? 'failed' : 'done';
    else if (missing.includes(r.runnerId)) s = 'missing';
    else if ((state.nextSeq[r.runnerId] ?? 0) > 0 && state.startAt !== undefined) s = 'running';
    else if (state.ready.includes(r.runnerId)) s = 'ready';
    return {
      runnerId: r.runnerId,
      region: r.region,
      state: s,
      lastSeq: (state.nextSeq[r.runnerId] ?? 0) - 1,
      lastSeenAt: state.lastSeenAt[r.runnerId],
    };
  });
}
