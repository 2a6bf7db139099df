import { z } from 'zod';

/** k6's four metric types. */
export const MetricTypeSchema = z.enum(['counter', 'gauge', 'rate', 'trend']);
export type MetricType = z.infer<typeof MetricTypeSchema>;

/** What a metric's values measure, as k6's summary reports it. */
export const ValueTypeSchema = z.enum(['default', 'time', 'data']);
export type ValueType = z.infer<typeof ValueTypeSchema>;

/** One side (positive or negative) of a base-2 exponential histogram: bucket i covers
 * (base^(offset+i), base^(offset+i+1)] with base = 2^(2^-scale), as in OTLP. */
export const ExpBucketsSchema = z.object({
  offset: z.number().int(),
  counts: z.array(z.number().nonnegative()),
});
export type ExpBuckets = z.infer<typeof ExpBucketsSchema>;

/** A mergeable latency distribution: OTLP's exponential histogram (delta), values in the
 * metric's unit (ms for time trends). min/max are exact. */
export const ExpHistogramSchema = z.object({
  scale: z.number().int().min(-10).max(20),
  zeroCount: z.number().nonnegative(),
  positive: ExpBucketsSchema,
  negative: ExpBucketsSchema,
  count: z.number().nonnegative(),
  sum: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});
export type ExpHistogram = z.infer<typeof ExpHistogramSchema>;

const seriesBase = {
  /** k6 metric name, e.g. `http_req_duration`. */
  metric: z.string().min(1),
  contains: ValueTypeSchema,
  /** Sample tags kept for submetrics (bounded set; see KEPT_TAGS). */
  tags: z.record(z.string(), z.string()),
};

/** One metric × tag set over one interval of one runner. Counters and rates are deltas. */
export const SeriesSchema = z.discriminatedUnion('type', [
  z.object({ ...seriesBase, type: z.literal('counter'), value: z.number() }),
  z.object({ ...seriesBase, type: z.literal('gauge'), value: z.number(), min: z.number(), max: z.number() }),
  z.object({
    ...seriesBase,
    type: z.literal('rate'),
    nonzero: z.number().nonnegative(),
    total: z.number().nonnegative(),
  }),
  z.object({ ...seriesBase, type: z.literal('trend'), hist: ExpHistogramSchema }),
]);
export type Series = z.infer<typeof SeriesSchema>;
export type CounterSeries = Extract<Series, { type: 'counter' }>;
export type GaugeSeries = Extract<Series, { type: 'gauge' }>;
export type RateSeries = Extract<Series, { type: 'rate' }>;
export type TrendSeries = Extract<Series, { type: 'trend' }>;

/** Resource use of one runner over an interval (for dashboards and bench). */
export const RunnerProcessStatsSchema = z.object({
  cpuPercent: z.number().nonnegative(),
  rssBytes: z.number().nonnegative(),
  k6CpuPercent: z.number().nonnegative().optional(),
  k6RssBytes: z.number().nonnegative().optional(),
});
export type RunnerProcessStats = z.infer<typeof RunnerProcessStatsSchema>;

/** What a runner writes to runs/<runId>/intervals/<region>/<runnerId>/<seq> each interval. */
export const IntervalRecordSchema = z.object({
  v: z.literal(1),
  runId: z.string(),
  region: z.string(),
  runnerId: z.string(),
  /** 0, 1, 2, … without gaps per runner; the watcher reads each seq once. */
  seq: z.number().int().nonnegative(),
  startMs: z.number(),
  endMs: z.number(),
  series: z.array(SeriesSchema),
  process: RunnerProcessStatsSchema.optional(),
  /** Set on the runner's last record. */
  final: z.boolean().optional(),
});
export type IntervalRecord = z.infer<typeof IntervalRecordSchema>;

/** Tags kept per series; others (url, proto, tls_version, …) are dropped to bound
 * cardinality unless a threshold names them. */
export const KEPT_TAGS = [
  'scenario',
  'status',
  'method',
  'expected_response',
  'check',
  'group',
  'error_code',
] as const;
