import type { MetricsSink, SinkStats } from '../../adapters/sinks/metrics-sink';
import { loadPlan } from '../../adapters/store/plan-store';
import { getJson, putJson, type RunStore } from '../../adapters/store/run-store';
import {
  type AbortInfo,
  AbortInfoSchema,
  type Control,
  type Plan,
  type RollupPoint,
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
import { type EvaluationResult, ThresholdEvaluator } from '../../core/thresholds/evaluate';
import { missingRunners, passStartBarrier, runnerFailureAborts, thresholdAbort } from './abort-decisions';
import { collectIntervals, collectReady, collectResults } from './collect-runner-output';
import { emitWindows, mergeIntervals } from './rollup-windows';
import { runStatus } from './run-status-report';
import {
  DEFAULT_SERVER_READERS,
  type ServerReaders,
  serverMetricsTick,
  serverOverview,
} from './server-metrics-step';
import { abortEvent, anomalyEvent, endEvent, startEvent } from './sink-run-events';

export interface WatchTickOptions {
  now?: number;
  /** Where intervals, rollups, thresholds and events also go; flushed before the tick ends. */
  sink?: MetricsSink;
  /** How server metric sources are read. @default Prometheus only (DEFAULT_SERVER_READERS) */
  serverReaders?: ServerReaders;
  /**
   * Write control.json (heartbeat, barrier, abort). Off for a late finalize's catch-up tick:
   * a dead controller must not seem alive again. @default true
   */
  publishControl?: boolean;
}

/** Enough for any sensible run; past it the run is noisy enough as it is. */
const MAX_ANOMALIES = 200;

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
  // The sink's per-run state (the Prometheus sink's running totals) lives in the watch state.
  const sinkState = sink ? state.sinkState?.[sink.name] : undefined;
  if (sink && sinkState !== undefined) sink.importRunState?.(runId, sinkState);
  const before: StateBefore = { started: state.startAt !== undefined, aborted: state.abort !== undefined };
  await collectReady(store, plan, state);
  // Results first: a runner writes its last interval before its result, so every interval
  // of a runner whose result we hold is already listed when we collect intervals next.
  await collectResults(store, plan, state);
  const fresh = await collectIntervals(store, plan, state, now);
  if (fresh.length) await sink?.writeIntervals(fresh, plan.testName);
  mergeIntervals(state, plan, table, fresh);

  const { judged, missing, elapsedMs } = await decideAbort(store, runId, plan, state, table, evaluator, now);
  const abort = state.abort;
  const allReported = plan.runners.every((r) => state.results[r.runnerId]);
  const givenUp = abort !== undefined && now > abort.at + plan.timing.heartbeatTimeoutMs + 15_000;
  const finished = allReported || givenUp;
  if (finished) state.finishedAt ??= now;

  await publishWindows(store, runId, plan, state, emitWindows(state, plan, now, finished), sink);
  await serverMetricsTick({
    store,
    plan,
    watch: state,
    finished,
    now,
    readers: opts.serverReaders ?? DEFAULT_SERVER_READERS,
    sink,
  });
  if (sink && sinkBefore) {
    await writeTickToSink(sink, sinkBefore, plan, state, { runId, now, judged, before, finished });
  }

  const control: Control = { v: 1, heartbeatAt: now, startAt: state.startAt, abort };
  if (opts.publishControl !== false) await putJson(store, keys.control, control);
  const status = runStatus({
    runId,
    plan,
    state,
    now,
    elapsedMs,
    thresholds: judged.states,
    missing,
    abort,
    finished,
  });
  if (state.server) status.server = serverOverview(state.server);
  state.table = table.toJSON();
  state.thresholds = evaluator.toJSON();
  await putJson(store, keys.watchState, state);
  await putJson(store, keys.status, status);
  return status;
}

interface StateBefore {
  started: boolean;
  aborted: boolean;
}

/**
 * Decides the start barrier and whether the run aborts: the first reason wins, in order
 * (already aborted, external abort, barrier timeout, failed or silent runner, threshold).
 * Sets state.startAt / state.abort; returns the threshold judgement of this tick.
 */
async function decideAbort(
  store: RunStore,
  runId: string,
  plan: Plan,
  state: WatchState,
  table: MetricTable,
  evaluator: ThresholdEvaluator,
  now: number,
): Promise<{ judged: EvaluationResult; missing: string[]; elapsedMs: number }> {
  let abort: AbortInfo | undefined = state.abort;
  const setAbort = (a: AbortInfo | undefined) => {
    abort ??= a;
  };
  const keys = runKeys(runId);
  const external = await getJson(store, keys.abort, (v) => AbortInfoSchema.parse(v)).catch(() => undefined);
  if (external) setAbort(external);
  if (state.startAt === undefined && !abort) setAbort(passStartBarrier(plan, state, now));
  const missing = missingRunners(plan, state, now);
  for (const a of runnerFailureAborts(plan, state, missing, now)) setAbort(a);

  const startAt = state.startAt;
  const elapsedMs = startAt !== undefined ? Math.max(0, Math.min(now, state.finishedAt ?? now) - startAt) : 0;
  const getStat = (metric: string, tags: Record<string, string>, stat: string) => {
    const sel = table.select(metric, tags);
    return sel ? statValue(sel.agg, stat, Math.max(elapsedMs, 1)) : null;
  };
  const judged = evaluator.evaluate(now, elapsedMs, getStat);
  if (judged.abort && startAt !== undefined) setAbort(thresholdAbort(judged.abort, elapsedMs, now));
  state.abort = abort;
  return { judged, missing, elapsedMs };
}

/** Stores each closed window as a timeline point, sends it to the sink, looks for anomalies. */
async function publishWindows(
  store: RunStore,
  runId: string,
  plan: Plan,
  state: WatchState,
  points: RollupPoint[],
  sink: MetricsSink | undefined,
): Promise<void> {
  const keys = runKeys(runId);
  for (const point of points) {
    await putJson(store, keys.timelinePoint(Math.round(point.elapsedMs / plan.timing.intervalMs) - 1), point);
    await sink?.writeRollup(runId, plan.testName, point);
    const found = newAnomalies(findAnomalies(point, state.recentPoints), state.activeAnomalies, point.t);
    state.activeAnomalies = found.active;
    state.recentPoints = [...state.recentPoints, point].slice(-BASELINE_WINDOWS);
    for (const a of found.anomalies) {
      if (state.anomalies.length < MAX_ANOMALIES) state.anomalies.push(a);
      await sink?.writeEvent(runId, plan.testName, anomalyEvent(a));
    }
  }
}

/** Thresholds and the start/abort/end events that happened in this tick; then flush and count. */
async function writeTickToSink(
  sink: MetricsSink,
  sinkBefore: SinkStats,
  plan: Plan,
  state: WatchState,
  t: { runId: string; now: number; judged: EvaluationResult; before: StateBefore; finished: boolean },
): Promise<void> {
  const { runId } = t;
  const { testName } = plan;
  const abort = state.abort;
  await sink.writeThresholds(runId, testName, t.now, t.judged.states);
  if (!t.before.started && state.startAt !== undefined) {
    await sink.writeEvent(runId, testName, startEvent(plan, state.startAt));
  }
  if (!t.before.aborted && abort) await sink.writeEvent(runId, testName, abortEvent(abort));
  if (t.finished && state.finishedAt === t.now) {
    await sink.writeEvent(runId, testName, endEvent(plan, t.now));
  }
  await sink.flush();
  addSinkDelivery(state.sinks, sink.name, sinkBefore, sink.stats());
  const runState = sink.exportRunState?.(runId);
  if (runState !== undefined) state.sinkState = { ...state.sinkState, [sink.name]: runState };
}
