import { z } from 'zod';

/** Glob over metric names or label values: `*` matches any run of characters, nothing else is special. */
const glob = z.string().min(1).max(200);

/**
 * Which series of an exposition are kept: names matching any `names` glob (default: all)
 * whose labels match every `labels` glob (`{ route: '/api/*' }`). Histogram buckets
 * (`*_bucket`) are always dropped: one series per bucket drowns the correlation table.
 */
export const SeriesSelectSchema = z
  .object({
    names: z.array(glob).min(1).max(100).optional(),
    labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), glob).optional(),
  })
  .strict();
export type SeriesSelect = z.infer<typeof SeriesSelectSchema>;

const httpUrl = z
  .url()
  .refine((u) => /^https?:\/\//.test(u), { message: 'a Prometheus endpoint is an http:// or https:// URL' });

/** A Prometheus text exposition endpoint (node_exporter, postgres_exporter, an app's /metrics). */
export const PrometheusSourceSchema = z
  .object({
    kind: z.literal('prometheus'),
    url: httpUrl,
    select: SeriesSelectSchema.optional(),
    /** When true, a failed probe scrape at planning is a warning, not an invalid input. @default false */
    optional: z.boolean().optional(),
  })
  .strict();
export type PrometheusSource = z.infer<typeof PrometheusSourceSchema>;

/** One CloudWatch metric, read with GetMetricData by the watcher (AWS mode only). */
export const CloudWatchSourceSchema = z
  .object({
    kind: z.literal('cloudwatch'),
    namespace: z.string().min(1).max(255),
    metric: z.string().min(1).max(255),
    dimensions: z.record(z.string().min(1).max(255), z.string().min(1).max(1024)).optional(),
    statistic: z.string().min(1).max(32).default('Average'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region, e.g. "eu-west-1"'),
    /** CloudWatch's period: 60 for standard metrics, 1/5/10/30 for high-resolution ones. @default 60 */
    periodSeconds: z.number().int().min(1).max(86_400).optional(),
    optional: z.boolean().optional(),
  })
  .strict();
export type CloudWatchSource = z.infer<typeof CloudWatchSourceSchema>;

/** A source in the run input; a bare URL string means `{ kind: 'prometheus', url }`. */
export const ServerMetricSourceSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { kind: 'prometheus', url: v } : v),
  z.discriminatedUnion('kind', [PrometheusSourceSchema, CloudWatchSourceSchema]),
);
export type ServerMetricSource = z.infer<typeof ServerMetricSourceSchema>;

/** The name a source is shown and counted under: its URL, or `cloudwatch:<namespace>/<metric>`. */
export function sourceLabel(source: ServerMetricSource): string {
  return source.kind === 'prometheus' ? source.url : `cloudwatch:${source.namespace}/${source.metric}`;
}

/** One server value for one window: a gauge as read, a counter as its per-second rate. */
export const ServerSampleSchema = z.object({
  /** `name{label="v",…}` for gauges, `rate(name{…})` for counters. */
  series: z.string(),
  source: z.string(),
  value: z.number(),
});
export type ServerSample = z.infer<typeof ServerSampleSchema>;

/** runs/<runId>/server/<window>.json — what the controller read from the server in one window. */
export const ServerWindowSchema = z.object({
  v: z.literal(1),
  /** Index of the timeline window this belongs to. */
  window: z.number().int().min(0),
  /** Epoch ms of the read. */
  t: z.number(),
  samples: z.array(ServerSampleSchema),
  /** Sources that failed this window, with the error. */
  failures: z.array(z.object({ source: z.string(), error: z.string() })),
});
export type ServerWindow = z.infer<typeof ServerWindowSchema>;

/** One server series against one k6 metric over the run's windows. */
export const CorrelationSchema = z.object({
  series: z.string(),
  /** The k6 side, e.g. `http_req_duration p(95)`, `http_req_failed rate`, `http_reqs rate`. */
  metric: z.string(),
  /** Pearson's r at the best lag. */
  r: z.number(),
  /** Spearman's rank correlation at the same lag. */
  spearman: z.number(),
  /** > 0: the server series moves first and the k6 metric follows this many seconds later. */
  lagSeconds: z.number(),
  /** Windows the coefficients were computed over. */
  windows: z.number().int(),
});
export type Correlation = z.infer<typeof CorrelationSchema>;

/** Scrape health per source, for the summary, the live view and the report. */
export const ServerSourceStatsSchema = z.object({
  source: z.string(),
  scrapes: z.number().int(),
  failures: z.number().int(),
  lastError: z.string().optional(),
});
export type ServerSourceStats = z.infer<typeof ServerSourceStatsSchema>;

/** The watcher's server-metrics memory between ticks (in watch-state.json). */
export const ServerScrapeStateSchema = z.object({
  /** Last window index read (-1 before the first). */
  lastWindow: z.number().int(),
  /** Per source label: what its reader keeps for the next read (a Prometheus source: its counters). */
  prev: z.record(z.string(), z.unknown()),
  sources: z.array(ServerSourceStatsSchema),
  /** The latest live correlations (recomputed every few windows). */
  correlations: z.array(CorrelationSchema).default([]),
  /** The latest window's values of the series worth showing live. */
  latest: z.array(ServerSampleSchema).default([]),
  /** Server anomaly conditions active in the last window read (each reported once per episode). */
  active: z.array(z.string()).default([]),
});
export type ServerScrapeState = z.infer<typeof ServerScrapeStateSchema>;

/** status.json's and summary.json's view of the server side. */
export const ServerOverviewSchema = z.object({
  sources: z.array(ServerSourceStatsSchema),
  /** Top series (by |r| against p95 latency, else as read) with their latest value. */
  top: z.array(ServerSampleSchema),
  correlations: z.array(CorrelationSchema),
});
export type ServerOverview = z.infer<typeof ServerOverviewSchema>;
