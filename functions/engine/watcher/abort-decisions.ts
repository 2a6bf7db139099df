import type { AbortInfo, Plan } from '../../contracts';
import type { WatchState } from '../../contracts/watch-state';

// The watcher's reasons to stop a run early: a start barrier that never closes, a runner that
// failed or went silent, a threshold with abortOnFail crossed. The first reason found wins.

/** A runner silent this long after the start is presumed dead. */
export const missingAfterMs = (plan: Plan) => Math.max(3 * plan.timing.intervalMs, 15_000);

/**
 * Start barrier: once every runner is initialised (and has setup data), sets the common
 * start time; returns an abort when the runners are not all ready in time.
 */
export function passStartBarrier(plan: Plan, state: WatchState, now: number): AbortInfo | undefined {
  if (plan.runners.every((r) => state.ready.includes(r.runnerId))) {
    state.startAt = now + plan.timing.startLeadMs;
    return undefined;
  }
  if (now - plan.createdAt <= plan.timing.readyTimeoutMs) return undefined;
  const late = plan.runners.filter((r) => !state.ready.includes(r.runnerId)).map((r) => r.runnerId);
  return {
    source: 'runner-failure',
    reason: `runner(s) not ready after ${plan.timing.readyTimeoutMs / 1000} s: ${late.join(', ')}`,
    at: now,
  };
}

/** Aborts for runners that reported failure, then for runners that stopped reporting. */
export function runnerFailureAborts(
  plan: Plan,
  state: WatchState,
  missing: string[],
  now: number,
): AbortInfo[] {
  const out: AbortInfo[] = [];
  for (const r of Object.values(state.results)) {
    if (r.outcome === 'failed') {
      out.push({
        source: 'runner-failure',
        reason: `runner ${r.runnerId} failed: ${r.reason ?? `k6 exit ${r.k6ExitCode}`}`,
        at: now,
        runnerId: r.runnerId,
      });
    }
  }
  for (const id of missing) {
    out.push({
      source: 'runner-failure',
      reason: `runner ${id} stopped reporting (no interval for ${missingAfterMs(plan) / 1000} s)`,
      at: now,
      runnerId: id,
    });
  }
  return out;
}

/** The abort for a crossed abortOnFail threshold. */
export function thresholdAbort(
  crossed: { metric: string; expr: string },
  elapsedMs: number,
  now: number,
): AbortInfo {
  return {
    source: 'threshold',
    reason: `threshold "${crossed.expr}" on ${crossed.metric} crossed (abortOnFail) at ${(elapsedMs / 1000).toFixed(1)} s`,
    at: now,
    threshold: { metric: crossed.metric, expr: crossed.expr },
  };
}

export function missingRunners(plan: Plan, state: WatchState, now: number): string[] {
  const startAt = state.startAt;
  if (startAt === undefined || now < startAt) return [];
  const limit = missingAfterMs(plan);
  return plan.runners
    .filter((r) => !state.results[r.runnerId])
    .filter((r) => now - Math.max(state.lastSeenAt[r.runnerId] ?? 0, startAt) > limit)
    .map((r) => r.runnerId);
}
