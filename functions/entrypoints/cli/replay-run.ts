import type { MetricsSink, SinkStats } from '../../adapters/sinks/metrics-sink';
import { loadPlan } from '../../adapters/store/plan-store';
import { getJson, type RunStore } from '../../adapters/store/run-store';
import { loadServerWindows } from '../../adapters/store/server-window-store';
import {
  type IntervalRecord,
  IntervalRecordSchema,
  type Plan,
  runKeys,
  type Summary,
  SummarySchema,
} from '../../contracts';
import { type WatchState, WatchStateSchema } from '../../contracts/watch-state';
import { loadTimeline } from '../../engine/finalizer/finalize-run';
import { abortEvent, anomalyEvent, endEvent, startEvent } from '../../engine/watcher/sink-run-events';

/** A run that cannot be replayed (the message says why and what to do). */
export class ReplayRefusal extends Error {
  override readonly name = 'ReplayRefusal';
}

export interface ReplayResult {
  records: number;
  rollups: number;
  serverWindows: number;
  events: number;
  /** What the sink did with this replay alone. */
  delivery: Omit<SinkStats, 'spooled'>;
}

/** Spooled items past which the replay waits for delivery: the spool drops its oldest when full. */
const FLUSH_AT_SPOOLED = 20_000;

/**
 * Re-sends a finished run from the run store to a sink through the sink's own write methods,
 * in the watcher's order (each runner's intervals in sequence, rollups by window), so every
 * point has the timestamp, labels and (for Prometheus' cumulative counters) value the live
 * write had: a replay fills what an outage lost and re-writes the rest identically.
 * Threshold states are not replayed: the watcher sends them per tick and stores only the last.
 */
export async function replayRun(store: RunStore, runId: string, sink: MetricsSink): Promise<ReplayResult> {
  const { plan, summary, state } = await loadFinishedRun(store, runId);
  const before = sink.stats();
  const flushIfFull = async () => {
    if (sink.stats().spooled > FLUSH_AT_SPOOLED) await sink.flush();
  };

  const records = await replayIntervals(store, plan, state, sink, flushIfFull);
  const timeline = await loadTimeline(store, runId);
  for (const point of timeline) {
    await sink.writeRollup(runId, plan.testName, point);
    await flushIfFull();
  }
  const windows = plan.serverMetrics?.length ? await loadServerWindows(store, runId) : [];
  for (const w of windows) await sink.writeServerWindow(runId, plan.testName, w);

  const events = [
    ...(state.startAt !== undefined ? [startEvent(plan, state.startAt)] : []),
    ...state.anomalies.map(anomalyEvent),
    ...(state.abort ? [abortEvent(state.abort)] : []),
    ...(state.finishedAt !== undefined ? [endEvent(plan, state.finishedAt)] : []),
  ];
  for (const ev of events) await sink.writeEvent(runId, plan.testName, ev);
  await sink.writeSummary(summary);
  await sink.flush();

  const after = sink.stats();
  return {
    records,
    rollups: timeline.length,
    serverWindows: windows.length,
    events: events.length,
    delivery: {
      written: after.written - before.written,
      dropped: after.dropped - before.dropped,
      retried: after.retried - before.retried,
    },
  };
}

async function loadFinishedRun(
  store: RunStore,
  runId: string,
): Promise<{ plan: Plan; summary: Summary; state: WatchState }> {
  const keys = runKeys(runId);
  if ((await store.get(keys.plan)) === undefined)
    throw new ReplayRefusal(`unknown run "${runId}": no plan at ${store.describe(keys.plan)}`);
  const plan = await loadPlan(store, runId);
  const summary = await getJson(store, keys.summary, (v) => SummarySchema.parse(v));
  if (!summary)
    throw new ReplayRefusal(
      `run ${runId} has not finished: no summary at ${store.describe(keys.summary)}. Replay it once it has ended (k6-fleet finalize ${runId} if its controller died)`,
    );
  const state = await getJson(store, keys.watchState, (v) => WatchStateSchema.parse(v));
  if (!state)
    throw new ReplayRefusal(`run ${runId} was never watched: no ${store.describe(keys.watchState)}`);
  return { plan, summary, state };
}

/**
 * Exactly the intervals the watcher merged into the summary (each runner's sequences below
 * its nextSeq), one sequence number across all runners at a time: bounded memory however
 * long the run, and each runner's series in time order.
 */
async function replayIntervals(
  store: RunStore,
  plan: Plan,
  state: WatchState,
  sink: MetricsSink,
  flushIfFull: () => Promise<void>,
): Promise<number> {
  const keys = runKeys(plan.runId);
  const last = Math.max(0, ...plan.runners.map((r) => state.nextSeq[r.runnerId] ?? 0));
  let count = 0;
  for (let seq = 0; seq < last; seq++) {
    const due = plan.runners.filter((r) => seq < (state.nextSeq[r.runnerId] ?? 0));
    const recs = await Promise.all(
      due.map(async (r) => {
        const rec = await getJson(store, keys.interval(r.region, r.runnerId, seq), (v) =>
          IntervalRecordSchema.parse(v),
        );
        if (!rec)
          throw new ReplayRefusal(
            `run ${plan.runId}: interval ${seq} of runner ${r.runnerId} is missing from the run store (${store.describe(keys.interval(r.region, r.runnerId, seq))})`,
          );
        return rec;
      }),
    );
    const fresh: IntervalRecord[] = recs.sort((a, b) => a.endMs - b.endMs);
    await sink.writeIntervals(fresh, plan.testName);
    count += fresh.length;
    await flushIfFull();
  }
  return count;
}
