import { z } from 'zod';
import { PhaseSchema, RunInputSchema, VerdictSchema } from '.';

/**
 * What flows between the states of the run state machine: each Task's event (its
 * Parameters) and result (stored at a ResultPath). The state machine (lib/) builds its
 * paths from these field names through `field()`, so a rename breaks the build, not a run.
 */

/** The state machine's data after the first Pass state: the raw execution input and its name. */
export const ExecutionStateSchema = z.object({ input: z.unknown(), executionName: z.string() });
export type ExecutionState = z.infer<typeof ExecutionStateSchema>;

export const ValidateEventSchema = ExecutionStateSchema;
export type ValidateEvent = z.infer<typeof ValidateEventSchema>;

/** A failure the person who started the run can fix; `cause` says how. */
const userFailure = { ok: z.literal(false), cause: z.string() };

export const ValidateResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    runId: z.string(),
    /** The input with the fleet's defaults applied (runId, regions, env = {} when absent). */
    input: RunInputSchema,
  }),
  z.object(userFailure),
]);
export type ValidateResult = z.infer<typeof ValidateResultSchema>;

export const PlanEventSchema = z.object({ runId: z.string(), input: RunInputSchema });
export type PlanEvent = z.infer<typeof PlanEventSchema>;

export const PlanResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    runId: z.string(),
    planUri: z.string(),
    runners: z.number().int(),
    regions: z.array(z.string()),
    maxVUs: z.number().int(),
    totalDurationMs: z.number(),
  }),
  z.object(userFailure),
]);
export type PlanResult = z.infer<typeof PlanResultSchema>;

export const DispatchEventSchema = z.object({ runId: z.string(), input: RunInputSchema });
export type DispatchEvent = z.infer<typeof DispatchEventSchema>;

export const DispatchResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), started: z.number().int() }),
  z.object({ ...userFailure, failedRegion: z.string(), started: z.number().int() }),
]);
export type DispatchResult = z.infer<typeof DispatchResultSchema>;

export const RunRefEventSchema = z.object({ runId: z.string() });
export type RunRefEvent = z.infer<typeof RunRefEventSchema>;

export const WatchResultSchema = z.object({
  phase: PhaseSchema,
  elapsedMs: z.number(),
  verdict: VerdictSchema.optional(),
});
export type WatchResult = z.infer<typeof WatchResultSchema>;

export const FinalizeResultSchema = z.object({
  runId: z.string(),
  testName: z.string(),
  verdict: VerdictSchema,
  exitCode: z.number().int(),
  summaryUri: z.string(),
  reportUri: z.string(),
  /** One line for the execution's Fail cause (and humans): what happened, where to look. */
  cause: z.string(),
});
export type FinalizeResult = z.infer<typeof FinalizeResultSchema>;

/** What the dispatcher sends to each runner Lambda (env values travel only here). */
export const RunnerEventSchema = z.object({
  runId: z.string().min(1),
  runnerId: z.string().min(1),
  env: z.record(z.string(), z.string()).default({}),
});
export type RunnerEvent = z.infer<typeof RunnerEventSchema>;

/** A field name of T, checked by the compiler; used to build JSONPaths in lib/. */
export function field<T>(name: keyof T & string): string {
  return name;
}
