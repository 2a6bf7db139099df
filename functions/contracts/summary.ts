import { z } from 'zod';
import { AnomalySchema } from './anomaly';
import { ComparisonSchema } from './comparison';
import { AbortInfoSchema } from './control';
import { CostEstimateSchema } from './cost';
import { MetricTypeSchema, ValueTypeSchema } from './metrics';
import { CorrelationSchema, ServerOverviewSchema } from './server-metrics';
import { VerdictSchema } from './status';

/** One metric as in k6's handleSummary data: values are k6's stat names
 * (count, rate, avg, min, med, max, p(90), p(95), value, passes, fails). */
export const SummaryMetricSchema = z.object({
  type: MetricTypeSchema,
  contains: ValueTypeSchema,
  values: z.record(z.string(), z.number()),
  thresholds: z.record(z.string(), z.object({ ok: z.boolean() })).optional(),
});
export type SummaryMetric = z.infer<typeof SummaryMetricSchema>;

export const SummaryRunnerSchema = z.object({
  runnerId: z.string(),
  region: z.string(),
  segment: z.string(),
  outcome: z.string(),
  k6ExitCode: z.number().nullable(),
  startOffsetMs: z.number().nullable(),
  reason: z.string().optional(),
});

/** runs/<runId>/summary.json — k6's handleSummary shape plus the fleet's own fields. */
export const SummarySchema = z.object({
  v: z.literal(1),
  runId: z.string(),
  testName: z.string(),
  state: z.object({ testRunDurationMs: z.number() }),
  options: z.object({ summaryTrendStats: z.array(z.string()) }),
  metrics: z.record(z.string(), SummaryMetricSchema),
  /** Checks by name, as k6 lists them under root_group. */
  checks: z.array(z.object({ name: z.string(), passes: z.number(), fails: z.number() })),
  fleet: z.object({
    verdict: VerdictSchema,
    exitCode: z.number().int(),
    abort: AbortInfoSchema.optional(),
    startAt: z.number().nullable(),
    endAt: z.number(),
    regions: z.array(
      z.object({ name: z.string(), weight: z.number(), runners: z.number(), requests: z.number() }),
    ),
    runners: z.array(SummaryRunnerSchema),
    /** Relay windows each runner ran its share in (1 when the test fits one invocation). */
    windows: z.number().int().positive().optional(),
    /** max |actual resume − barrier| over runners. */
    startSkewMs: z.number().nullable(),
    anomalies: z.array(AnomalySchema),
    /** Failed thresholds, in the order they first failed. */
    failedThresholds: z.array(
      z.object({ metric: z.string(), expr: z.string(), failedAt: z.number().optional() }),
    ),
    /** The run's AWS cost, estimated from what it used (functions/core/cost). */
    cost: CostEstimateSchema.optional(),
    /** Set when the run was finalized by `k6-fleet finalize` after its controller died. */
    finalizedLate: z.object({ at: z.number(), reason: z.string() }).optional(),
    /** Metrics-sink delivery (issue: sinks): written / dropped counts per sink. */
    sinks: z.record(z.string(), z.object({ written: z.number(), dropped: z.number() })).optional(),
    /** Every server series against p95 latency, error rate and request rate, by |r| descending. */
    correlations: z.array(CorrelationSchema).optional(),
    /** Server metric sources (scrapes, failures) and the top series. */
    server: ServerOverviewSchema.optional(),
    /** This run against its --baseline run (functions/core/compare). */
    comparison: ComparisonSchema.optional(),
    /** Why the --baseline comparison could not be made at the end (e.g. its record was deleted). */
    comparisonError: z.string().optional(),
  }),
});
export type Summary = z.infer<typeof SummarySchema>;
