import { z } from 'zod';

/** Something the watcher's rules noticed during a run (error spike, latency jump, …). */
export const AnomalySchema = z.object({
  at: z.number(),
  kind: z.string(),
  region: z.string().optional(),
  message: z.string(),
});
export type Anomaly = z.infer<typeof AnomalySchema>;
