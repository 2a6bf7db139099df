import type { MetricsSink } from '../../adapters/sinks/metrics-sink';
import { loadPlan } from '../../adapters/store/plan-store';
import { getJson, putJson, type RunStore } from '../../adapters/store/run-store';
import {
  type AbortInfo,
  AbortInfoSchema,
  type Control,
  type IntervalRecord,
  IntervalRecordSchema,
  type Plan,
  type RollupPoint,
  RunnerResultSchema,
  type RunnerState,
  type RunStatus,
  runKeys,
} from '../../contracts';
import {
  addSinkDelivery,
  initialWatchState,
  type WatchState,
  WatchStateSchema,
} from '../../contracts/watch-state';
import { BASELINE_WINDOWS, findAnomalies, newAnomalies } from '../../core/anomaly/detect-anomalies';
import { MetricTable } from '../../core/metrics/metric-table';
import { statValue } from '../../core/metrics/summary-values';
import { liveStats } from '../../core/rollup/live-stats';
import { ThresholdEvaluator } from '../../core/thresholds/evaluate';
import { decideVerdict } from '../../core/verdict/verdict';

export interface WatchTickOptions {
  now?: number;
  /** Where intervals, rollups, thresholds and events also go; flushed before the tick ends. */
  sink?: MetricsSink;
}

/** Enough for any sensible run; past it the run is noisy enough as it is. */
const MAX_ANOMALIES = 200;

/** A runner silent this long after the start is presumed dead. */
const missingAfterMs = (plan: Plan) => Math.max(3 * plan.timing.intervalMs, 15_000);

/**
 * One tick of the controller: merge the runners' new intervals, judge thresholds on the
 * merged data, decide the start barrier and aborts, and publish control + status.
 * Stateless between ticks (state lives in the run store) so a Lambda can run it.
 */
export async function watchTick(
  store: RunStore,
  runId: string,
  opts: WatchTickOptions = {},
): Promise<RunStatus> {
  const now = opts.now ?? Date.now();
  const plan = await loadPlan(store, runId);
  const keys = runKeys(runId);
  const state =
    (await getJson(store, keys.watchState, (v) => WatchStateSchema.parse(v))) ?? initialWatchState();
  const table = state.table ? MetricTable.fromJSON(state.table as never) : new MetricTable();
  const evaluator = state.thresholds
    ? ThresholdEvaluator.fromJSON(plan.thresholds, state.thresholds)
    : new ThresholdEvaluator(plan.thresholds);

  const sink = opts.sink;
  const sinkBefore = sink?.stats();
  const sinkState = sink ? state.sinkState?.[sink.name] : undefined;
  if (sink && sinkState !== undefined) sink.importRunState?.(runId, sinkState);
  const wasStarted = state.startAt !== undefined;
  const wasAborted = state.abort !== undefined;
  await collectReady(store, plan, state);
  // Results first: a runner writes its last interval before its result, so every interval
  // of a runner whose result we hold is already listed when we collect intervals next.
  await collectResults(store, plan, state);
  const fresh = await collectIntervals(store, plan, state, now);
  if (fresh.length) await sink?.writeIntervals(fresh, plan.testName);
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

  let abort: AbortInfo | undefined = state.abort;
  const setAbort = (a: AbortInfo) => {
    abort ??= a;
  };
  const external = await getJson(store, keys.abort, (v) => AbortInfoSchema.parse(v)).catch(() => undefined);
  if (external) setAbort(external);

  // Start barrier: once every runner is initialised (and has setup data).
  if (state.startAt === undefined && !abort) {
    if (plan.runners.every((r) => state.ready.includes(r.runnerId))) {
      state.startAt = now + plan.timing.startLeadMs;
    } else if (now - plan.createdAt > plan.timing.readyTimeoutMs) {
      const late = plan.runners.filter((r) => !state.ready.includes(r.runnerId)).map((r) => r.runnerId);
      setAbort({
        source: 'runner-failure',
        reason: `runner(s) not ready after ${plan.timing.readyTimeoutMs / 1000} s: ${late.join(', ')}`,
        at: now,
      });
    }
  }

  for (const r of Object.values(state.results)) {
    if (r.outcome === 'failed') {
      setAbort({
        source: 'runner-failure',
        reason: `runner ${r.runnerId} failed: ${r.reason ?? `k6 exit ${r.k6ExitCode}`}`,
        at: now,
        runnerId: r.runnerId,
      });
    }
  }
  const missing = missingRunners(plan, state, now);
  for (const id of missing) {
    setAbort({
      source: 'runner-failure',
      reason: `runner ${id} stopped reporting (no interval for ${missingAfterMs(plan) / 1000} s)`,
      at: now,
      runnerId: id,
    });
  }

  const startAt = state.startAt;
  const elapsedMs = startAt !== undefined ? Math.max(0, Math.min(now, state.finishedAt ?? now) - startAt) : 0;
  const getStat = (metric: string, tags: Record<string, string>, stat: string) => {
    const sel = table.select(metric, tags);
    return sel ? statValue(sel.agg, stat, Math.max(elapsedMs, 1)) : null;
  };
  const judged = evaluator.evaluate(now, elapsedMs, getStat);
  if (judged.abort && startAt !== undefined) {
    setAbort({
      source: 'threshold',
      reason: `threshold "${judged.abort.expr}" on ${judged.abort.metric} crossed (abortOnFail) at ${(elapsedMs / 1000).toFixed(1)} s`,
      at: now,
      threshold: { metric: judged.abort.metric, expr: judged.abort.expr },
    });
  }
  state.abort = abort;

  const allReported = plan.runners.every((r) => state.results[r.runnerId]);
  const givenUp = abort !== undefined && now > abort.at + plan.timing.heartbeatTimeoutMs + 15_000;
  const finished = allReported || givenUp;
  if (finished) state.finishedAt ??= now;

  for (const point of emitWindows(state, plan, now, finished)) {
    await putJson(store, keys.timelinePoint(Math.round(point.elapsedMs / plan.timing.intervalMs) - 1), point);
    await sink?.writeRollup(runId, plan.testName, point);
    const found = newAnomalies(findAnomalies(point, state.recentPoints), state.activeAnomalies, point.t);
    state.activeAnomalies = found.active;
    state.recentPoints = [...state.recentPoints, point].slice(-BASELINE_WINDOWS);
    for (const a of found.anomalies) {
      if (state.anomalies.length < MAX_ANOMALIES) state.anomalies.push(a);
      await sink?.writeEvent(runId, plan.testName, {
        at: a.at,
        kind: 'anomaly',
        text: a.message,
        region: a.region,
      });
    }
  }
  if (sink && sinkBefore) {
    await sink.writeThresholds(runId, plan.testName, now, judged.states);
    if (!wasStarted && state.startAt !== undefined) {
      await sink.writeEvent(runId, plan.testName, {
        at: state.startAt,
        kind: 'start',
        text: `${plan.testName} starts on ${plan.runners.length} runners`,
      });
    }
    if (!wasAborted && abort)
      await sink.writeEvent(runId, plan.testName, { at: abort.at, kind: 'abort', text: abort.reason });
    if (finished && state.finishedAt === now) {
      await sink.writeEvent(runId, plan.testName, { at: now, kind: 'end', text: `${plan.testName} ended` });
    }
    await sink.flush();
    addSinkDelivery(state.sinks, sink.name, sinkBefore, sink.stats());
    const runState = sink.exportRunState?.(runId);
    if (runState !== undefined) state.sinkState = { ...state.sinkState, [sink.name]: runState };
  }

  const control: Control = { v: 1, heartbeatAt: now, startAt: state.startAt, abort };
  await putJson(store, keys.control, control);

  const status: RunStatus = {
    v: 1,
    runId,
    testName: plan.testName,
    phase: finished ? 'finished' : startAt === undefined ? 'starting' : abort ? 'finishing' : 'running',
    updatedAt: now,
    startAt,
    elapsedMs,
    plannedDurationMs: plan.requirements.totalDurationMs,
    current: state.lastPoint,
    thresholds: judged.states,
    runners: runnerStates(plan, state, missing),
    abort,
    anomalies: state.anomalies,
  };
  if (finished) {
    const v = decideVerdict({
      abort,
      results: Object.values(state.results),
      missingRunners: plan.runners.filter((r) => !state.results[r.runnerId]).map((r) => r.runnerId),
      thresholdsFailed: judged.states.some((t) => !t.ok),
    });
    status.verdict = v.verdict;
    status.exitCode = v.exitCode;
  }
  state.table = table.toJSON();
  state.thresholds = evaluator.toJSON();
  await putJson(store, keys.watchState, state);
  await putJson(store, keys.status, status);
  return status;
}

async function collectReady(store: RunStore, plan: Plan, state: WatchState): Promise<void> {
  if (state.ready.length === plan.runners.length) return;
  const keys = await store.list(runKeys(plan.runId).readyPrefix);
  state.ready = keys.map((k) => (k.split('/').pop() ?? '').replace(/\.json$/, ''));
}

async function collectIntervals(
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

async function collectResults(store: RunStore, plan: Plan, state: WatchState): Promise<void> {
  if (Object.keys(state.results).length === plan.runners.length) return;
  const keys = runKeys(plan.runId);
  for (const key of await store.list(keys.resultsPrefix)) {
    const id = (key.split('/').pop() ?? '').replace(/\.json$/, '');
    if (state.results[id]) continue;
    const res = await getJson(store, key, (v) => RunnerResultSchema.parse(v));
    if (res) state.results[id] = res;
  }
}

function missingRunners(plan: Plan, state: WatchState, now: number): string[] {
  const startAt = state.startAt;
  if (startAt === undefined || now < startAt) return [];
  const limit = missingAfterMs(plan);
  return plan.runners
    .filter((r) => !state.results[r.runnerId])
    .filter((r) => now - Math.max(state.lastSeenAt[r.runnerId] ?? 0, startAt) > limit)
    .map((r) => r.runnerId);
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
function emitWindows(state: WatchState, plan: Plan, now: number, flushAll: boolean): RollupPoint[] {
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
