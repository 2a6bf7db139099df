import { z } from 'zod';
import { AnomalySchema } from './anomaly';
import { AbortInfoSchema } from './control';
import { ServerOverviewSchema } from './server-metrics';

export const VerdictSchema = z.enum(['passed', 'thresholds-failed', 'aborted', 'failed']);
export type Verdict = z.infer<typeof VerdictSchema>;

/** Headline numbers for one region or the whole fleet over the last interval. */
export const LiveStatsSchema = z.object({
  rps: z.number(),
  vus: z.number(),
  errorRate: z.number().nullable(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  requests: z.number(),
  iterations: z.number(),
  dataSent: z.number(),
  dataReceived: z.number(),
  checksRate: z.number().nullable(),
});
export type LiveStats = z.infer<typeof LiveStatsSchema>;

/** One point of the run's timeline: global and per-region stats for one watcher window. */
export const RollupPointSchema = z.object({
  t: z.number(),
  elapsedMs: z.number(),
  global: LiveStatsSchema,
  regions: z.record(z.string(), LiveStatsSchema),
});
export type RollupPoint = z.infer<typeof RollupPointSchema>;

export const ThresholdStateSchema = z.object({
  metric: z.string(),
  expr: z.string(),
  ok: z.boolean(),
  abortOnFail: z.boolean(),
  /** The value the expression was tested against, when the metric has data. */
  value: z.number().nullable(),
  /** First time it was seen failing. */
  failedAt: z.number().optional(),
});
export type ThresholdState = z.infer<typeof ThresholdStateSchema>;

export const RunnerStateSchema = z.object({
  runnerId: z.string(),
  region: z.string(),
  state: z.enum(['pending', 'ready', 'running', 'done', 'failed', 'missing']),
  lastSeq: z.number().int(),
  lastSeenAt: z.number().optional(),
});
export type RunnerState = z.infer<typeof RunnerStateSchema>;

export const PhaseSchema = z.enum(['starting', 'running', 'finishing', 'finished']);
export type Phase = z.infer<typeof PhaseSchema>;

/** runs/<runId>/status.json — the watcher's view after each tick. */
export const RunStatusSchema = z.object({
  v: z.literal(1),
  runId: z.string(),
  testName: z.string(),
  phase: PhaseSchema,
  updatedAt: z.number(),
  startAt: z.number().optional(),
  elapsedMs: z.number(),
  plannedDurationMs: z.number(),
  current: RollupPointSchema.optional(),
  thresholds: z.array(ThresholdStateSchema),
  runners: z.array(RunnerStateSchema),
  abort: AbortInfoSchema.optional(),
  /** Anomalies found so far (error spikes, latency jumps, throughput drops, slow regions). */
  anomalies: z.array(AnomalySchema).optional(),
  /** Server metrics: scrape counts per source, the top series' latest values, live correlations. */
  server: ServerOverviewSchema.optional(),
  verdict: VerdictSchema.optional(),
  /** The process exit code the run maps to, once finished. */
  exitCode: z.number().int().optional(),
});
export type RunStatus = z.infer<typeof RunStatusSchema>;
