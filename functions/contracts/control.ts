import { z } from 'zod';

/** Why a run is being stopped early, and by whom. */
export const AbortInfoSchema = z.object({
  source: z.enum([
    'threshold',
    'cli',
    'console',
    'runner-failure',
    'interrupt',
    'anomaly',
    'deadline',
    'dispatch',
  ]),
  reason: z.string(),
  at: z.number(),
  /** For source=threshold: which one crossed. */
  threshold: z.object({ metric: z.string(), expr: z.string() }).optional(),
  runnerId: z.string().optional(),
});
export type AbortInfo = z.infer<typeof AbortInfoSchema>;

/** runs/<runId>/control.json — written only by the controller (watcher), polled by runners. */
export const ControlSchema = z.object({
  v: z.literal(1),
  /** The controller's last tick; runners stop themselves when it is older than heartbeatTimeoutMs. */
  heartbeatAt: z.number(),
  /** The start barrier: every runner resumes k6 at this instant. */
  startAt: z.number().optional(),
  abort: AbortInfoSchema.optional(),
});
export type Control = z.infer<typeof ControlSchema>;

/** runs/<runId>/ready/<runnerId>.json — k6 initialised (and setup data applied). */
export const ReadyMarkerSchema = z.object({
  runnerId: z.string(),
  at: z.number(),
  initMs: z.number(),
  vusAllocated: z.number().int().nonnegative(),
});
export type ReadyMarker = z.infer<typeof ReadyMarkerSchema>;

/** runs/<runId>/setup-data.json — what setup() returned on the setup runner. */
export const SetupDataSchema = z.object({
  runnerId: z.string(),
  at: z.number(),
  data: z.unknown(),
});
export type SetupData = z.infer<typeof SetupDataSchema>;

/** runs/<runId>/claims/<runnerId>/<window>.json — which invocation started this runner's k6. */
export const RunnerClaimSchema = z.object({
  runnerId: z.string(),
  window: z.number().int().min(0),
  at: z.number(),
  /** The Lambda request id, or host:pid locally. */
  invocation: z.string(),
});
export type RunnerClaim = z.infer<typeof RunnerClaimSchema>;

/** runs/<runId>/results/<runnerId>.json — a runner's own account of how it ended. */
export const RunnerResultSchema = z.object({
  runnerId: z.string(),
  region: z.string(),
  outcome: z.enum(['finished', 'aborted', 'failed', 'self-stopped']),
  /** k6's exit code (103 when stopped through the REST API on abort). */
  k6ExitCode: z.number().int().nullable(),
  reason: z.string().optional(),
  /** Last lines of k6's stderr when it failed. */
  stderrTail: z.string().optional(),
  resumedAt: z.number().optional(),
  /** resumedAt − startAt. */
  startOffsetMs: z.number().optional(),
  endedAt: z.number(),
  lastSeq: z.number().int(),
  /** From k6's GET /v1/metrics at the end: exact aggregates as k6 itself saw them. */
  k6Metrics: z.record(z.string(), z.record(z.string(), z.number())).optional(),
  /** Peak resident memory of the runner process and of its k6 (high-water marks). */
  peakRssBytes: z.number().optional(),
  peakK6RssBytes: z.number().optional(),
  /** How late the runner sent the resume (event-loop wake-up), and its round trip to k6:
   * the two parts of startOffsetMs. */
  resumeSentLateMs: z.number().optional(),
  resumeRttMs: z.number().optional(),
  ranSetup: z.boolean().optional(),
  ranTeardown: z.boolean().optional(),
  /** How k6's metrics reached the runner (see MetricsOutputKind). */
  metricsOutput: z.enum(['fleet', 'otlp']).optional(),
});
export type RunnerResult = z.infer<typeof RunnerResultSchema>;
