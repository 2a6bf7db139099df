import {
  type Correlation,
  type Plan,
  type RollupPoint,
  RollupPointSchema,
  runKeys,
  type ServerWindow,
  ServerWindowSchema,
} from '../../contracts';
import { runCorrelations } from '../../core/server-metrics/run-correlations';
import { getJson, type RunStore } from './run-store';

/** Correlations from what the store holds so far (the finalizer uses it for the final ones). */
export async function storedCorrelations(store: RunStore, plan: Plan): Promise<Correlation[]> {
  const [timeline, windows] = await Promise.all([
    readAll(store, runKeys(plan.runId).timelinePrefix, (v) => RollupPointSchema.parse(v)),
    loadServerWindows(store, plan.runId),
  ]);
  timeline.sort((a: RollupPoint, b: RollupPoint) => a.elapsedMs - b.elapsedMs);
  return runCorrelations(timeline, windows, plan.timing.intervalMs / 1000);
}

export async function loadServerWindows(store: RunStore, runId: string): Promise<ServerWindow[]> {
  const windows = await readAll(store, runKeys(runId).serverPrefix, (v) => ServerWindowSchema.parse(v));
  return windows.sort((a, b) => a.window - b.window);
}

async function readAll<T>(store: RunStore, prefix: string, parse: (v: unknown) => T): Promise<T[]> {
  const keys = await store.list(prefix);
  const values = await Promise.all(keys.map((k) => getJson(store, k, parse)));
  return values.filter((v): v is Awaited<T> => v !== undefined) as T[];
}
