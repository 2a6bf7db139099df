import type { Plan, RunnerResult, Summary } from '../../contracts';
import type { RunFacts } from './estimate-run-cost';

/** The fleet config's runner defaults (lib/config/fleet-config-schema.ts), for local runs. */
export const DEFAULT_RUNNER_FUNCTION = { memoryMb: 2048, architecture: 'arm64' } as const;
/** The deployed state machine's watch interval default (watchIntervalSeconds). */
export const DEFAULT_WATCH_INTERVAL_MS = 5000;
/** A runner's time before the barrier: cold start, k6 init, setup. */
const RUNNER_START_MS = 5000;

function runnerFunction(plan: Plan, assumptions: string[]) {
  if (plan.runnerFunction) return plan.runnerFunction;
  assumptions.push(
    `priced as if on AWS with the default runner (${DEFAULT_RUNNER_FUNCTION.memoryMb} MB, ${DEFAULT_RUNNER_FUNCTION.architecture}): this run had no Lambda runners`,
  );
  return DEFAULT_RUNNER_FUNCTION;
}

const ticksOver = (ms: number) => Math.max(1, Math.ceil(ms / DEFAULT_WATCH_INTERVAL_MS));

/** What a finished run used: runner wall time from plan to each result, records written. */
export function runFactsOfRun(
  plan: Plan,
  summary: Pick<Summary, 'metrics' | 'fleet'>,
  results: RunnerResult[],
  timelineWindows: number,
  assumptions: string[],
): RunFacts {
  const fn = runnerFunction(plan, assumptions);
  assumptions.push(
    `runner time counted from the plan to each runner's result; a watch tick every ${DEFAULT_WATCH_INTERVAL_MS / 1000} s`,
  );
  const end = summary.fleet.endAt;
  return {
    runners: plan.runners.length,
    runnerWallMs: results.reduce((s, r) => s + Math.max(0, r.endedAt - plan.createdAt), 0),
    runnerMemoryMb: fn.memoryMb,
    architecture: fn.architecture,
    intervalRecords: results.reduce((s, r) => s + Math.max(0, r.lastSeq + 1), 0),
    watchTicks: ticksOver(end - plan.createdAt),
    timelineWindows,
    controlPollMs: plan.timing.controlPollMs,
    timestreamWrites: summary.fleet.sinks?.timestream?.written ?? 0,
    dataSentBytes: summary.metrics.data_sent?.values.count ?? 0,
  };
}

/** What a planned run will use if it runs to its end (before anything starts). */
export function runFactsOfPlan(plan: Plan, assumptions: string[]): RunFacts {
  const fn = runnerFunction(plan, assumptions);
  const runMs = RUNNER_START_MS + plan.timing.startLeadMs + plan.requirements.totalDurationMs;
  assumptions.push(
    `the test runs to its planned end (${plan.requirements.totalDurationMs / 1000} s + ${(RUNNER_START_MS + plan.timing.startLeadMs) / 1000} s start); data out to the target is not known before the run and not included`,
  );
  return {
    runners: plan.runners.length,
    runnerWallMs: plan.runners.length * runMs,
    runnerMemoryMb: fn.memoryMb,
    architecture: fn.architecture,
    intervalRecords: plan.runners.length * Math.ceil(runMs / plan.timing.intervalMs),
    watchTicks: ticksOver(runMs),
    timelineWindows: Math.ceil(plan.requirements.totalDurationMs / plan.timing.intervalMs),
    controlPollMs: plan.timing.controlPollMs,
    timestreamWrites: 0,
    dataSentBytes: 0,
  };
}
