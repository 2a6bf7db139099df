import { z } from 'zod';
import { VerdictSchema } from './status';

export const RUN_FINISHED_SOURCE = 'k6-fleet';
export const RUN_FINISHED_DETAIL_TYPE = 'k6-fleet Run Finished';

/** Detail of the EventBridge event sent when a run ends. */
export const RunFinishedDetailSchema = z.object({
  runId: z.string(),
  testName: z.string(),
  verdict: VerdictSchema,
  exitCode: z.number().int(),
  summaryKey: z.string(),
  reportKey: z.string(),
  bucket: z.string().optional(),
});
export type RunFinishedDetail = z.infer<typeof RunFinishedDetailSchema>;
