import { z } from 'zod';
import { ExpHistogramSchema, MetricTypeSchema, ValueTypeSchema } from './metrics';
import { CorrelationSchema } from './server-metrics';
import { VerdictSchema } from './status';

/**
 * One finished run in the history index (history/<testName>/<runId>.json), written by the
 * finalizer and read by comparisons and the history dashboards. Versioned: readers accept
 * every version they know and say which they met when they cannot read one.
 */
export const HistoryRecordV1Schema = z.object({
  v: z.literal(1).default(1),
  runId: z.string(),
  testName: z.string(),
  /** Epoch ms of the synchronised start; null when the run never started. */
  startAt: z.number().nullable(),
  durationMs: z.number(),
  verdict: VerdictSchema,
  exitCode: z.number().int(),
  requests: z.number(),
  rps: z.number(),
  p95: z.number().nullable(),
  errorRate: z.number().nullable(),
  regions: z.array(z.string()),
  lastWindowRps: z.number().nullable(),
  /** Why the run was finalized late (its controller died), when it was. */
  finalizedLate: z.string().optional(),
});
export type HistoryRecordV1 = z.infer<typeof HistoryRecordV1Schema>;

/** A whole-run aggregate with exact counts: counter count, rate nonzero/total, trend histogram, gauge last/min/max. */
export const RecordAggregateSchema = z.union([
  z.object({ count: z.number() }).strict(),
  z.object({ nonzero: z.number().nonnegative(), total: z.number().nonnegative() }).strict(),
  z.object({ hist: ExpHistogramSchema }).strict(),
  z.object({ value: z.number(), min: z.number(), max: z.number() }).strict(),
]);
export type RecordAggregate = z.infer<typeof RecordAggregateSchema>;

/** One metric over the whole run: the fleet, each region and each scenario. */
export const RecordMetricSchema = z.object({
  type: MetricTypeSchema,
  contains: ValueTypeSchema,
  all: RecordAggregateSchema,
  regions: z.record(z.string(), RecordAggregateSchema),
  scenarios: z.record(z.string(), RecordAggregateSchema),
});
export type RecordMetric = z.infer<typeof RecordMetricSchema>;

/** Headline numbers of the fleet or one region (what `history` lists and the index keeps). */
export const HeadlineSchema = z.object({
  requests: z.number(),
  rps: z.number(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  errorRate: z.number().nullable(),
  iterations: z.number(),
  checksRate: z.number().nullable(),
});
export type Headline = z.infer<typeof HeadlineSchema>;

const identity = {
  runId: z.string(),
  testName: z.string(),
  startAt: z.number().nullable(),
  endAt: z.number(),
  durationMs: z.number().nonnegative(),
  verdict: VerdictSchema,
  exitCode: z.number().int(),
  /** Why the run was finalized late (its controller died), when it was. */
  finalizedLate: z.string().optional(),
  /** `--label` (e.g. a release) and a git sha, when given. */
  label: z.string().optional(),
  gitSha: z.string().optional(),
};

/**
 * history/<testName>/<runId>.json, version 2: everything a later comparison needs, kept
 * past the run's own data (see the bucket's history lifecycle rule).
 */
/** The server side of a run, kept so that `compare` can show it: per series, and what it correlated with. */
export const ServerHistorySchema = z.object({
  /** Per server series over the run's windows (gauges as read, counters as per-second rates). */
  series: z.array(
    z.object({ series: z.string(), mean: z.number(), max: z.number(), windows: z.number().int() }),
  ),
  /** The strongest correlations of the run (summary.json's `fleet.correlations`, first few). */
  correlations: z.array(CorrelationSchema),
});
export type ServerHistory = z.infer<typeof ServerHistorySchema>;

export const HistoryRecordV2Schema = z.object({
  v: z.literal(2),
  ...identity,
  intervalMs: z.number().positive(),
  script: z.object({ sha256: z.string() }),
  k6Version: z.string().nullable(),
  regions: z.array(z.object({ name: z.string(), weight: z.number(), runners: z.number().int() })),
  tags: z.record(z.string(), z.string()),
  headline: HeadlineSchema,
  regionHeadlines: z.record(z.string(), HeadlineSchema),
  /** Every metric k6 reported, whole-run. */
  metrics: z.record(z.string(), RecordMetricSchema),
  /** Every submetric a threshold names (`metric{tag:value}`), whole-run, fleet-wide. */
  submetrics: z.record(
    z.string(),
    z.object({
      metric: z.string(),
      tags: z.record(z.string(), z.string()),
      type: MetricTypeSchema,
      contains: ValueTypeSchema,
      all: RecordAggregateSchema,
    }),
  ),
  thresholds: z.array(z.object({ metric: z.string(), expr: z.string(), ok: z.boolean() })),
  /**
   * Per-window values, columnar: `series["<metric>|<stat>|<region or *>"][i]` is the value in
   * the window ending at `elapsedMs[i]` (null: no samples then). Stats: trends med, p(90),
   * p(95), p(99); rates rate; counters rate (per second).
   */
  timeline: z.object({
    elapsedMs: z.array(z.number()),
    series: z.record(z.string(), z.array(z.number().nullable())),
  }),
  /** Runs that read server metrics: their per-series summary (absent otherwise and before 2026-12-04). */
  server: ServerHistorySchema.optional(),
});
export type HistoryRecordV2 = z.infer<typeof HistoryRecordV2Schema>;

/** history/<testName>/index/<startAt>-<runId>.json: what listing needs, without the record. */
export const HistoryIndexEntrySchema = z.object({
  v: z.literal(2),
  ...identity,
  headline: HeadlineSchema,
  regionHeadlines: z.record(z.string(), HeadlineSchema),
});
export type HistoryIndexEntry = z.infer<typeof HistoryIndexEntrySchema>;

/** Series key of the columnar timeline. */
export const timelineKey = (metric: string, stat: string, region: string) => `${metric}|${stat}|${region}`;
/** Region name of fleet-wide series (region names cannot contain '*'). */
export const FLEET = '*';

/** Any record version a reader knows: v1 (headline numbers only, no `v` before 2026-12) or v2. */
export const HistoryRecordSchema = z.union([HistoryRecordV2Schema, HistoryRecordV1Schema]);
export type HistoryRecord = z.infer<typeof HistoryRecordSchema>;
