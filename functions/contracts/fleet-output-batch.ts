import { z } from 'zod';
import { SeriesSchema } from './metrics';

/**
 * How k6's metrics reach a runner: `fleet` is k6-fleet's own k6 output (tools/k6/fleetoutput,
 * compiled into the k6 that scripts/build-k6.sh builds), `otlp` is k6's OpenTelemetry output —
 * the fallback for a k6 without the extension (e.g. a release tarball), ≈ 0.7–0.8× the capacity.
 */
export const MetricsOutputKindSchema = z.enum(['fleet', 'otlp']);
export type MetricsOutputKind = z.infer<typeof MetricsOutputKindSchema>;

/**
 * One POST of the fleet output (tools/k6/fleetoutput/series.go Batch): the series of one
 * k6 interval, already aggregated per metric × kept tags. `batch` counts 1, 2, … per k6
 * process, so a batch the output resends after a lost answer is applied once.
 */
export const FleetOutputBatchSchema = z.object({
  v: z.literal(1),
  batch: z.number().int().positive(),
  series: z.array(SeriesSchema),
});
export type FleetOutputBatch = z.infer<typeof FleetOutputBatchSchema>;
