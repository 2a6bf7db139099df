import type { MetricsSink } from '../../adapters/sinks/metrics-sink';
import { loadPlan } from '../../adapters/store/plan-store';
import { getJson, putJson, type RunStore } from '../../adapters/store/run-store';
import { ControlSchema, RunStatusSchema, runKeys } from '../../contracts';
import { WatchStateSchema } from '../../contracts/watch-state';
import { watchTick } from '../watcher/watch-tick';
import { type FinalizeResult, finalizeRun } from './finalize-run';

/** A late finalize that must not run now (the reason says what to do instead). */
export class LateFinalizeRefusal extends Error {
  override readonly name = 'LateFinalizeRefusal';
}

/** Runners poll control every controlPollMs; give the last self-stop this long to land. */
const SELF_STOP_MARGIN_MS = 10_000;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Finalizes a run whose controller (local orchestrator, Watch Lambda or state machine)
 * died: once every runner has stopped itself (the heartbeat is older than the runners'
 * timeout), one catch-up tick merges every interval and result not merged yet — without
 * writing control.json, so nothing looks alive again — and the finalizer writes summary,
 * report and history, marked `fleet.finalizedLate` with the reason. A runner that stopped
 * itself because the controller went silent makes the run failed (exit 255): its test was
 * cut short.
 */
export async function finalizeLate(
  store: RunStore,
  runId: string,
  opts: { now?: number; sink?: MetricsSink } = {},
): Promise<FinalizeResult & { reason: string }> {
  const now = opts.now ?? Date.now();
  const keys = runKeys(runId);
  if ((await store.get(keys.plan)) === undefined)
    throw new LateFinalizeRefusal(`unknown run "${runId}": no plan at ${store.describe(keys.plan)}`);
  const plan = await loadPlan(store, runId);
  if ((await store.get(keys.summary)) !== undefined)
    throw new LateFinalizeRefusal(`run ${runId} is already finalized: ${store.describe(keys.summary)}`);
  const control = await getJson(store, keys.control, (v) => ControlSchema.parse(v));
  const status = await getJson(store, keys.status, (v) => RunStatusSchema.parse(v)).catch(() => undefined);
  const results = await store.list(keys.resultsPrefix);
  const silentSince = control?.heartbeatAt ?? plan.createdAt;
  const safeAt = silentSince + plan.timing.heartbeatTimeoutMs + SELF_STOP_MARGIN_MS;
  if (results.length < plan.runners.length && now < safeAt) {
    throw new LateFinalizeRefusal(
      `run ${runId} may still be running: its controller's last heartbeat was ${Math.round((now - silentSince) / 1000)} s ago and runners stop themselves ${plan.timing.heartbeatTimeoutMs / 1000} s after it; ${results.length} of ${plan.runners.length} runners have reported. Try again in ${Math.ceil((safeAt - now) / 1000)} s, or abort the run`,
    );
  }
  const reason = `the controller stopped at ${iso(silentSince)} (last status: ${status?.phase ?? 'none'}); finalized from the runners' intervals and results`;

  // Catch up on everything the dead controller never merged.
  await watchTick(store, runId, { now, sink: opts.sink, publishControl: false });
  const state = await getJson(store, keys.watchState, (v) => WatchStateSchema.parse(v));
  if (!state) throw new Error(`no watch state for run ${runId} after the catch-up tick`);
  const ends = Object.values(state.results).map((r) => r.endedAt);
  state.finishedAt ??= ends.length ? Math.max(...ends) : now;
  const cutShort = Object.values(state.results).find(
    (r) => r.outcome === 'self-stopped' && /controller silent/.test(r.reason ?? ''),
  );
  if (!state.abort && cutShort) {
    state.abort = {
      source: 'runner-failure',
      reason: `the controller died; runner ${cutShort.runnerId} ${cutShort.reason ?? 'stopped itself'}`,
      at: silentSince,
      runnerId: cutShort.runnerId,
    };
  }
  await putJson(store, keys.watchState, state);
  const fin = await finalizeRun(store, runId, { sink: opts.sink, late: { at: now, reason } });
  return { ...fin, reason };
}
