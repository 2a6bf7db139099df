import { z } from 'zod';

/** pass / marginal / fail of one comparison row, and of a whole comparison. */
export const ClassificationSchema = z.enum(['pass', 'marginal', 'fail']);

const nullableNumber = z.number().nullable();

/** One row of a comparison: a metric's stat fleet-wide, in one region or one scenario. */
export const ComparisonRowSchema = z.object({
  metric: z.string(),
  stat: z.string(),
  /** '*' for the whole fleet. */
  region: z.string(),
  scenario: z.string().optional(),
  baseline: nullableNumber,
  current: nullableNumber,
  changePct: nullableNumber,
  /** The row's p-value: the larger of the whole-run and per-window tests (both must agree to fail). */
  pValue: z.number(),
  /** null for counters (no exact whole-run test: the per-window test decides). */
  wholeRunPValue: nullableNumber,
  windowsPValue: nullableNumber,
  /** Rank-biserial correlation of the per-window values (−1..1; + means current larger). */
  effectSize: nullableNumber,
  /** Hodges–Lehmann shift of the per-window values with its 95% interval. */
  shift: z.object({ estimate: z.number(), lower: nullableNumber, upper: nullableNumber }).nullable(),
  /** 95% interval of the whole-run change (quantile or proportion), when the test gives one. */
  interval: z.object({ lower: z.number(), upper: z.number() }).nullable(),
  worse: z.enum(['up', 'down', 'both', 'none']),
  classification: ClassificationSchema,
});

/** `k6-fleet compare`'s result, and summary.json `fleet.comparison` of a run with --baseline. */
export const ComparisonSchema = z.object({
  verdict: ClassificationSchema,
  /** Share of rows that pass, in percent (Kayenta's score). */
  score: z.number(),
  baselineRunId: z.string(),
  runId: z.string(),
  testName: z.string(),
  metrics: z.array(ComparisonRowSchema),
  /** What --baseline said (a run id, baseline, previous, previous-passed); runs with --baseline only. */
  ref: z.string().optional(),
  /** --fail-on-regression: a fail verdict made the run's exit code 99. */
  failOnRegression: z.boolean().optional(),
});
export type ComparisonData = z.infer<typeof ComparisonSchema>;
