import { z } from 'zod';
import { AbortInfoSchema, AnomalySchema, RollupPointSchema, RunnerResultSchema } from '.';
import { ServerScrapeStateSchema } from './server-metrics';

/**
 * What the watcher carries from one tick to the next (runs/<id>/watch-state.json), so a
 * tick is stateless: a Lambda invocation or a loop iteration of the local orchestrator.
 */
export const WatchStateSchema = z.object({
  v: z.literal(1),
  /** All intervals merged so far (MetricTable JSON). */
  table: z.unknown(),
  /** Per-window, per-region tables not yet emitted as timeline points. */
  windows: z.record(z.string(), z.record(z.string(), z.unknown())),
  /** Next window index to emit. */
  nextWindow: z.number().int(),
  nextSeq: z.record(z.string(), z.number().int()),
  lastSeenAt: z.record(z.string(), z.number()),
  ready: z.array(z.string()),
  results: z.record(z.string(), RunnerResultSchema),
  startAt: z.number().optional(),
  abort: AbortInfoSchema.optional(),
  thresholds: z.unknown(),
  finishedAt: z.number().optional(),
  /** The latest emitted timeline point (status.json shows it). */
  lastPoint: RollupPointSchema.optional(),
  /** End of the latest interval record seen (test duration for rates). */
  lastEndMs: z.number().optional(),
  regionRequests: z.record(z.string(), z.number()),
  /** Metrics-sink delivery counts accumulated over ticks (a Lambda tick has its own sink). */
  sinks: z.record(z.string(), z.object({ written: z.number(), dropped: z.number() })).default({}),
  /** A sink's per-run state between ticks (the Prometheus sink's cumulative totals), by sink name. */
  sinkState: z.record(z.string(), z.unknown()).optional(),
  /** The last windows, the baseline anomaly rules compare a new window with. */
  recentPoints: z.array(RollupPointSchema).default([]),
  /** Anomaly conditions active in the last window (each is reported once per episode). */
  activeAnomalies: z.array(z.string()).default([]),
  anomalies: z.array(AnomalySchema).default([]),
  /** Server metrics: last window read, counters for rates, per-source scrape counts (when the plan has sources). */
  server: ServerScrapeStateSchema.optional(),
});
export type WatchState = z.infer<typeof WatchStateSchema>;

/** Adds what a sink delivered since `before` to the run's totals. */
export function addSinkDelivery(
  totals: WatchState['sinks'],
  name: string,
  before: { written: number; dropped: number },
  after: { written: number; dropped: number },
): void {
  const t = totals[name] ?? { written: 0, dropped: 0 };
  totals[name] = {
    written: t.written + after.written - before.written,
    dropped: t.dropped + after.dropped - before.dropped,
  };
}

export function initialWatchState(): WatchState {
  return {
    v: 1,
    table: undefined,
    windows: {},
    nextWindow: 0,
    nextSeq: {},
    lastSeenAt: {},
    ready: [],
    results: {},
    thresholds: undefined,
    regionRequests: {},
    sinks: {},
    recentPoints: [],
    activeAnomalies: [],
    anomalies: [],
  };
}
