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
// results and interval records (strictly in sequence order per runner).

export async function collectReady(store: RunStore, plan: Plan, state: WatchState): Promise<void> {
  if (state.ready.length === plan.runners.length) return;
  const keys = await store.list(runKeys(plan.runId).readyPrefix);
  state.ready = keys.map((k) => (k.split('/').pop() ?? '').replace(/\.json$/, ''));
}

export async function collectIntervals(
  store: RunStore,
  plan: Plan,
  state: WatchState,
  now: number,
): Promise<IntervalRecord[]> {
  const keys = runKeys(plan.runId);
  const fresh: IntervalRecord[] = [];
  await Promise.all(
    plan.runners.map(async (r) => {
      if (
        state.results[r.runnerId] &&
        state.nextSeq[r.runnerId] !== undefined &&
        state.nextSeq[r.runnerId]! > state.results[r.runnerId]!.lastSeq
      )
        return;
      const next = state.nextSeq[r.runnerId] ?? 0;
      const listed = await store.list(keys.runnerIntervalsPrefix(r.region, r.runnerId));
      const seqs = listed
        .map((k) => Number((k.split('/').pop() ?? '').replace(/\.json$/, '')))
        .filter((s) => Number.isInteger(s) && s >= next)
        .sort((a, b) => a - b);
      let expect = next;
      for (const seq of seqs) {
        // Records are read strictly in order; a gap waits for the missing one.
        if (seq !== expect) break;
        const rec = await getJson(store, keys.interval(r.region, r.runnerId, seq), (v) =>
          IntervalRecordSchema.parse(v),
        );
        if (!rec) break;
        fresh.push(rec);
        expect = seq + 1;
      }
      if (expect > next) {
        state.nextSeq[r.runnerId] = expect;
        state.lastSeenAt[r.runnerId] = now;
      }
    }),
  );
  return fresh.sort((a, b) => a.endMs - b.endMs);
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
