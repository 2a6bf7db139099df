import { z } from 'zod';
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

export const HistoryRecordSchema = HistoryRecordV1Schema;
export type HistoryRecord = HistoryRecordV1;
