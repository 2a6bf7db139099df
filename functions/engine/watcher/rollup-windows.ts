import type { IntervalRecord, Plan, RollupPoint } from '../../contracts';
import type { WatchState } from '../../contracts/watch-state';
import { MetricTable } from '../../core/metrics/metric-table';
import { liveStats } from '../../core/rollup/live-stats';

/**
 * Merges a tick's fresh intervals (sorted by end) into the run's table, the per-window
 * tables and the per-region request totals.
 */
export function mergeIntervals(
  state: WatchState,
  plan: Plan,
  table: MetricTable,
  fresh: IntervalRecord[],
): void {
  // Window tables are parsed once per tick, however many records land in them.
  const windowTables = new Map<string, MetricTable>();
  for (const rec of fresh) {
    table.addRecord(rec);
    addToWindow(state, plan, rec, windowTables);
    state.lastEndMs = Math.max(state.lastEndMs ?? 0, rec.endMs);
    for (const s of rec.series) {
      if (s.metric === 'http_reqs' && s.type === 'counter') {
        state.regionRequests[rec.region] = (state.regionRequests[rec.region] ?? 0) + s.value;
      }
    }
  }
  for (const [key, t] of windowTables) {
    const [idx, region] = key.split('/') as [string, string];
    state.windows[idx]![region] = t.toJSON();
  }
}

/** Window index of a record: runners resume together, so their intervals line up. */
function addToWindow(
  state: WatchState,
  plan: Plan,
  rec: IntervalRecord,
  tables: Map<string, MetricTable>,
): void {
  if (state.startAt === undefined || rec.endMs <= state.startAt) return; // setup-time samples: totals only
  const idx = Math.max(
    state.nextWindow,
    Math.floor((rec.endMs - state.startAt - 1) / plan.timing.intervalMs),
  );
  const win = state.windows[idx] ?? {};
  state.windows[idx] = win;
  for (const key of [rec.region, GLOBAL]) {
    const cacheKey = `${idx}/${key}`;
    let t = tables.get(cacheKey);
    if (!t) {
      t = win[key] ? MetricTable.fromJSON(win[key] as never) : new MetricTable();
      tables.set(cacheKey, t);
    }
    t.addRecord(rec);
  }
}

/** Key of the fleet-wide table in a window (region names cannot contain '*'). */
const GLOBAL = '*';

/** Emits windows one interval after they close (late records still land), all at the end. */
export function emitWindows(state: WatchState, plan: Plan, now: number, flushAll: boolean): RollupPoint[] {
  const out: RollupPoint[] = [];
  const startAt = state.startAt;
  if (startAt === undefined) return out;
  const iv = plan.timing.intervalMs;
  for (;;) {
    const idx = state.nextWindow;
    const end = startAt + (idx + 1) * iv;
    const pending = Object.keys(state.windows).map(Number);
    if (flushAll ? !pending.some((p) => p >= idx) : now < end + iv) break;
    const win = state.windows[idx] ?? {};
    const regions: RollupPoint['regions'] = {};
    for (const [region, json] of Object.entries(win)) {
      if (region !== GLOBAL) regions[region] = liveStats(MetricTable.fromJSON(json as never), iv);
    }
    const global = win[GLOBAL] ? MetricTable.fromJSON(win[GLOBAL] as never) : new MetricTable();
    const point: RollupPoint = { t: end, elapsedMs: (idx + 1) * iv, global: liveStats(global, iv), regions };
    out.push(point);
    state.lastPoint = point;
    delete state.windows[idx];
    state.nextWindow = idx + 1;
  }
  return out;
}
