import { z } from 'zod';

/**
 * A run id: the run store's folder name, the Step Functions execution name the CLI uses,
 * and a Timestream/InfluxDB/Prometheus label value. One pattern, for every part that
 * accepts or makes one.
 */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

/** What a person reads when a run id is refused. */
export const RUN_ID_RULE = 'letters, digits, _ and -, up to 80, starting with a letter or digit';

export const RunIdSchema = z.string().regex(RUN_ID_PATTERN, `a run id is ${RUN_ID_RULE}`);
export type RunId = z.infer<typeof RunIdSchema>;

export function isRunId(value: unknown): value is RunId {
  return typeof value === 'string' && RUN_ID_PATTERN.test(value);
}
