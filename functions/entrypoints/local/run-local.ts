import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricsSink } from '../../adapters/sinks/metrics-sink';
import { LocalRunStore } from '../../adapters/store/local-run-store';
import { getJson, putJson } from '../../adapters/store/run-store';
import { type MetricsOutputKind, type Plan, type RunStatus, runKeys } from '../../contracts';
import { localRelayBudget } from '../../core/planner/relay-windows';
import { type FinalizeResult, finalizeRun } from '../../engine/finalizer/finalize-run';
import { planRun } from '../../engine/planner/plan-run';
import { watchTick } from '../../engine/watcher/watch-tick';
import { LocalRunners } from './local-runners';
import type { RunnerProcess } from './runner-process';

export interface LocalFleetOptions {
  /** Run input as the CLI built it (validated by the planner). */
  input: unknown;
  scriptText: string;
  /** Script env var values for the runners. */
  env: Record<string, string>;
  /** Run-store folder (runs/<runId>/… below it). */
  storeRoot: string;
  k6Path: string;
  /** Metrics sink for intervals, rollups, thresholds, events and the summary. */
  sink?: MetricsSink;
  /** Controller tick. @default 1000 */
  tickMs?: number;
  /** Ctrl-C: stop every runner cleanly, still finalize. */
  signal?: AbortSignal;
  /** Extra k6 outputs on every runner, e.g. `json=samples.json` (written in its work dir). */
  extraOutputs?: string[];
  /** How k6's metrics reach each runner (see RunRunnerOptions.metricsOutput). @default 'auto' */
  metricsOutput?: MetricsOutputKind | 'auto';
  onPlan?: (plan: Plan, runners: RunnerProcess[]) => void;
  /** Planning warnings (an optional server metric source that failed its probe). @default stderr */
  onWarning?: (message: string) => void;
  onStatus?: (status: RunStatus, plan: Plan) => void;
  /** `--runner-timeout`: no runner process lives longer; a longer test runs as relay windows. */
  runnerTimeoutSeconds?: number;
}

export interface LocalFleetResult extends FinalizeResult {
  plan: Plan;
  status: RunStatus;
  reportPath: string;
  summaryPath: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for p, at most ms (the timer is cleared so it never holds the process open). */
async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A whole fleet on this machine: the same planner, runner, watcher and finalizer as in
 * AWS, with runners as child processes and the run store in a folder.
 */
export async function runLocalFleet(o: LocalFleetOptions): Promise<LocalFleetResult> {
  const store = new LocalRunStore(o.storeRoot);
  const plan = await planRun(o.input, {
    store,
    k6Path: o.k6Path,
    scriptText: o.scriptText,
    runnerLimitMs: null,
    relayBudget: o.runnerTimeoutSeconds ? localRelayBudget(o.runnerTimeoutSeconds * 1000) : null,
    onWarning: o.onWarning ?? ((m) => process.stderr.write(`k6-fleet: warning: ${m}\n`)),
  });
  const keys = runKeys(plan.runId);
  const workRoot = join(o.storeRoot, 'work', plan.runId);
  await mkdir(workRoot, { recursive: true });

  const fleet = new LocalRunners(
    store,
    plan,
    (r) => ({
      storeRoot: o.storeRoot,
      runId: plan.runId,
      runnerId: r.runnerId,
      env: o.env,
      k6Path: o.k6Path,
      workDir: join(workRoot, r.runnerId),
      extraOutputs: o.extraOutputs,
      metricsOutput: o.metricsOutput,
    }),
    o.runnerTimeoutSeconds ? o.runnerTimeoutSeconds * 1000 : undefined,
  );
  const runners: RunnerProcess[] = fleet.startFirst();
  o.onPlan?.(plan, runners);

  const onAbort = () =>
    void putJson(store, keys.abort, { source: 'interrupt', reason: 'interrupted (Ctrl-C)', at: Date.now() });
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let status: RunStatus;
  try {
    for (;;) {
      status = await watchTick(store, plan.runId, { sink: o.sink });
      o.onStatus?.(status, plan);
      fleet.onStartAt(status.startAt);
      if (status.phase === 'finished') break;
      await sleep(o.tickMs ?? 1000);
    }
    // Every runner has reported (or was given up on): reap the processes.
    await withTimeout(fleet.exited, 20_000);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    fleet.stop();
  }
  const fin = await finalizeRun(store, plan.runId, { sink: o.sink });
  const final = (await getJson(store, keys.status, (v) => v as RunStatus)) ?? status;
  return {
    ...fin,
    plan,
    status: final,
    reportPath: store.describe(keys.report),
    summaryPath: store.describe(keys.summary),
  };
}
