import { z } from 'zod';
import { RelaySchema } from './relay';
import { ServerMetricSourceSchema } from './server-metrics';

/** One k6 threshold, normalised from the short (`'p(95)<200'`) or long form. */
export const ThresholdSpecSchema = z.object({
  expr: z.string().min(1),
  abortOnFail: z.boolean(),
  delayAbortEvalMs: z.number().nonnegative(),
});
export type ThresholdSpec = z.infer<typeof ThresholdSpecSchema>;

/** One runner's share of the test. */
export const RunnerAssignmentSchema = z.object({
  runnerId: z.string().regex(/^[a-z0-9-]+$/),
  region: z.string(),
  /** Index within the region, 0-based. */
  index: z.number().int().nonnegative(),
  /** k6 `--execution-segment`, e.g. `1/6:1/3`. */
  segment: z.string(),
  /** Segment width as a decimal, for display and VU estimates. */
  share: z.number().positive().max(1),
  /** maxVUs × share rounded up: what this runner may allocate. */
  expectedVUs: z.number().int().nonnegative(),
});
export type RunnerAssignment = z.infer<typeof RunnerAssignmentSchema>;

export const PlanRegionSchema = z.object({
  name: z.string(),
  weight: z.number().positive(),
  runners: z.number().int().positive(),
});
export type PlanRegion = z.infer<typeof PlanRegionSchema>;

/** runs/<runId>/plan.json: everything the runners, watcher and finalizer agree on. */
export const PlanSchema = z.object({
  v: z.literal(1),
  runId: z.string(),
  testName: z.string(),
  createdAt: z.number(),
  script: z.object({
    /** Run-store key of the script copy every runner executes. */
    key: z.string(),
    sha256: z.string(),
    hasSetup: z.boolean(),
    hasTeardown: z.boolean(),
  }),
  requirements: z.object({
    maxVUs: z.number().int().nonnegative(),
    /** k6 inspect's totalDuration (all scenarios incl. graceful stops; no setup/teardown). */
    totalDurationMs: z.number().nonnegative(),
  }),
  /** From the script's options: metric selector (`name` or `name{tag:value}`) → thresholds. */
  thresholds: z.record(z.string(), z.array(ThresholdSpecSchema)),
  summaryTrendStats: z.array(z.string()),
  /** Tag keys named by thresholds' submetrics, kept on series besides KEPT_TAGS. */
  extraTagKeys: z.array(z.string()),
  /** k6 `--execution-segment-sequence`, identical on every runner. */
  segmentSequence: z.array(z.string()),
  regions: z.array(PlanRegionSchema),
  runners: z.array(RunnerAssignmentSchema).min(1),
  /** The runner that runs setup() and shares its data, and later runs teardown(). */
  setupRunnerId: z.string(),
  timing: z.object({
    intervalMs: z.number().positive(),
    controlPollMs: z.number().positive(),
    heartbeatTimeoutMs: z.number().positive(),
    /** Time between the controller's start decision and the barrier. */
    startLeadMs: z.number().nonnegative(),
    /** Runners not ready this long after createdAt fail the run. */
    readyTimeoutMs: z.number().positive(),
    /** After the barrier, a runner stops itself at barrier + this (test + grace). */
    maxRunMs: z.number().positive(),
  }),
  /** Names of env vars the runners receive (values never stored). */
  envKeys: z.array(z.string()),
  tags: z.record(z.string(), z.string()),
  /** The runner Lambda's size (AWS only; absent for local runners): for the cost estimate. */
  runnerFunction: z
    .object({ memoryMb: z.number().int().positive(), architecture: z.enum(['arm64', 'x86_64']) })
    .optional(),
  limits: z.object({
    maxVusPerRunner: z.number().int().positive(),
    runnerLimitMs: z.number().positive().nullable(),
    /** The runner's own wall (file descriptors or memory) that capped maxVusPerRunner. */
    runnerVuLimit: z
      .object({ vus: z.number().int().positive(), by: z.enum(['file descriptors', 'memory']) })
      .optional(),
  }),
  /** Set when the test is longer than one runner invocation: its relay windows. */
  relay: RelaySchema.optional(),
  /** Server metric sources the controller reads every window (never the runners). */
  serverMetrics: z.array(ServerMetricSourceSchema).optional(),
  /** The run --baseline named, resolved when the run was planned; Finalize compares with it. */
  baseline: z.object({ ref: z.string(), runId: z.string(), failOnRegression: z.boolean() }).optional(),
});
export type Plan = z.infer<typeof PlanSchema>;
