import { z } from 'zod';

/** One k6 scenario's options as k6 reads them (`executor`, `startTime`, `stages`, …). */
export const ScenarioOptionsSchema = z.record(z.string(), z.unknown());
export type ScenarioOptions = z.infer<typeof ScenarioOptionsSchema>;

/**
 * One relay window: a slice [startMs, endMs) of the test timeline (ms after the start
 * barrier) that one fresh runner invocation runs, with the scenarios rewritten so that k6
 * itself runs exactly that slice.
 */
export const RelayWindowSchema = z.object({
  index: z.number().int().nonnegative(),
  startMs: z.number().nonnegative(),
  endMs: z.number().positive(),
  /** The window's `options.scenarios` (startTime relative to the window's start). */
  scenarios: z.record(z.string(), ScenarioOptionsSchema),
});
export type RelayWindow = z.infer<typeof RelayWindowSchema>;

/** plan.relay: how a test longer than one runner invocation is handed over between windows. */
export const RelaySchema = z.object({
  /** The hard limit of one runner invocation (Lambda timeout, `--runner-timeout`). */
  runnerTimeoutMs: z.number().positive(),
  /** A window n > 0 is started this long before its boundary (init paused, setup data). */
  leadMs: z.number().nonnegative(),
  /** Budget from window 0's start to the start barrier (all runners ready + start lead). */
  firstLeadMs: z.number().nonnegative(),
  /** Budget after a window's end: the longest gracefulStop, the final flush, teardown. */
  tailMs: z.number().nonnegative(),
  windows: z.array(RelayWindowSchema).min(2),
});
export type Relay = z.infer<typeof RelaySchema>;

/**
 * runs/<runId>/windows/<runnerId>/<window>.json — one relay window's own account: when it
 * resumed against its boundary, and the last interval seq it wrote (the next window
 * continues the runner's series from there).
 */
export const WindowResultSchema = z.object({
  runnerId: z.string(),
  window: z.number().int().nonnegative(),
  /** barrier + the window's startMs: when this window's load was due to start. */
  boundaryAt: z.number(),
  resumedAt: z.number().optional(),
  /** resumedAt − boundaryAt. */
  startOffsetMs: z.number().optional(),
  endedAt: z.number(),
  firstSeq: z.number().int(),
  lastSeq: z.number().int(),
  outcome: z.enum(['finished', 'aborted', 'failed', 'self-stopped']),
  reason: z.string().optional(),
  ranSetup: z.boolean().optional(),
});
export type WindowResult = z.infer<typeof WindowResultSchema>;
