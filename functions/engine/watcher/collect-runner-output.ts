import { mapLimited } from '../../adapters/store/map-limited';
import { getJson, type RunStore } from '../../adapters/store/run-store';
import {
  type IntervalRecord,
  IntervalRecordSchema,
  type Plan,
  RunnerResultSchema,
  runKeys,
} from '../../contracts';
import type { WatchState } from '../../contracts/watch-state';

// Reading what the runners wrote to the run store since the last tick: ready markers,
// results and interval records (strictly in sequence order per runner, read by key).

export async function collectReady(store: RunStore, plan: Plan, state: WatchState): Promise<void> {
  if (state.ready.length === plan.runners.length) return;
  const keys = await store.list(runKeys(plan.runId).readyPrefix);
  state.ready = keys.map((k) => (k.split('/').pop() ?? '').replace(/\.json$/, ''));
}

/** Runners read at once: about the S3 client's socket pool (50), so none waits in its queue. */
const READ_CONCURRENCY = 48;

/**
 * Each runner's records from its next expected seq on, by key: no listing, so a tick costs
 * the same at minute 1 and hour 10 (about one GET per runner in step with the ticks). Records
 * are read strictly in order; a missing seq (a late PUT, its successor already there) ends
 * that runner's read until a later tick finds it, so nothing is skipped or read twice.
 */
export async function collectIntervals(
  store: RunStore,
  plan: Plan,
  state: WatchState,
  now: number,
): Promise<IntervalRecord[]> {
  const keys = runKeys(plan.runId);
  const perRunner = await mapLimited(
    plan.runners,
    async (r) => {
      const result = state.results[r.runnerId];
      const next = state.nextSeq[r.runnerId] ?? 0;
      if (result && next > result.lastSeq) return [];
      const recs: IntervalRecord[] = [];
      for (let seq = next; ; seq++) {
        const rec = await getJson(store, keys.interval(r.region, r.runnerId, seq), (v) =>
          IntervalRecordSchema.parse(v),
        );
        if (!rec) break;
        recs.push(rec);
        if (!mayHaveSuccessor(rec, result, plan, now)) break;
      }
      if (recs.length) {
        state.nextSeq[r.runnerId] = next + recs.length;
        state.lastSeenAt[r.runnerId] = now;
      }
      return recs;
    },
    READ_CONCURRENCY,
  );
  return perRunner.flat().sort((a, b) => a.endMs - b.endMs);
}

/**
 * Whether the record after `rec` can already be there: surely while the runner's result
 * says more follow; not after its last record, nor while the next interval (ending one interval after rec) is still running. Half an
 * interval of slack covers clock skew between runner and controller; a record not probed for
 * is read on the next tick.
 */
function mayHaveSuccessor(
  rec: IntervalRecord,
  result: WatchState['results'][string] | undefined,
  plan: Plan,
  now: number,
): boolean {
  if (result) return rec.seq < result.lastSeq; // its records are all written
  if (rec.final) return false;
  return now >= rec.endMs + plan.timing.intervalMs / 2;
}

export async function collectResults(store: RunStore, plan: Plan, state: WatchState): Promise<void> {
  if (Object.keys(state.results).length === plan.runners.length) return;
  const keys = runKeys(plan.runId);
  for (const key of await store.list(keys.resultsPrefix)) {
    const id = (key.split('/').pop() ?? '').replace(/\.json$/, '');
    if (state.results[id]) continue;
    const res = await getJson(store, key, (v) => RunnerResultSchema.parse(v));
    if (res) state.results[id] = res;
  }
}
