import { z } from 'zod';
import { RunIdSchema } from './run-id';
import { ServerMetricSourceSchema } from './server-metrics';

/** A region of the fleet and its share of the load, in percent (all weights sum to 100). */
export const RegionWeightSchema = z.object({
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,62}$/,
      'region names use lower-case letters, digits and dashes, e.g. "eu-west-1"',
    ),
  weight: z.number().positive('region weights must be positive'),
});
export type RegionWeight = z.infer<typeof RegionWeightSchema>;

/** Where the k6 script comes from: a local file, inline text, or a key in the run-store bucket. */
export const ScriptSourceSchema = z.union([
  z.object({ path: z.string().min(1) }).strict(),
  z.object({ inline: z.string().min(1, 'inline script is empty') }).strict(),
  z.object({ s3Key: z.string().min(1) }).strict(),
]);
export type ScriptSource = z.infer<typeof ScriptSourceSchema>;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'env var names are letters, digits and _');
const tagName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'tag names are letters, digits, _ . -');

/**
 * What starts a run: the CLI's flags, the Step Functions execution input, a schedule's input.
 * Everything optional has a documented default resolved by the planner.
 */
export const RunInputSchema = z
  .object({
    /** Groups runs of the same test for history and comparison. @default the script's file name */
    testName: z.string().min(1).max(128).optional(),
    script: ScriptSourceSchema,
    /** @default [{ name: 'local', weight: 100 }] */
    regions: z.array(RegionWeightSchema).min(1).max(32).optional(),
    /** Runners per region; exclusive with maxVusPerRunner. */
    runnersPerRegion: z.number().int().min(1).max(1000).optional(),
    /** Cap on VUs per runner; the planner adds runners until every runner is under it. @default 900 */
    maxVusPerRunner: z.number().int().min(1).max(20000).optional(),
    /** Script env vars (k6 `-e`). Their values go to runners only, never to the run store. */
    env: z.record(envName, z.string()).optional(),
    /** Tags added to every metric of the run (k6 `--tag`). */
    tags: z.record(tagName, z.string().max(256)).optional(),
    /** How often runners write interval records. @default 2 */
    intervalSeconds: z.number().min(0.5).max(60).optional(),
    /** Runners stop themselves when the controller's heartbeat is older than this. @default 30 */
    heartbeatTimeoutSeconds: z.number().min(5).max(600).optional(),
    /** Longest test a runner may host (Lambda: 900 s minus margins); null = no limit (local). */
    runnerLimitSeconds: z.number().positive().nullable().optional(),
    /**
     * Server metrics read by the controller every window and correlated with k6's latency,
     * errors and request rate: Prometheus endpoints (a URL string, or `{ kind: 'prometheus',
     * url, select }`) and CloudWatch metrics (AWS only). Each is probed once at planning.
     */
    serverMetrics: z.array(ServerMetricSourceSchema).max(20).optional(),
    /**
     * Compare the finished run with this one (a run id, or `baseline`, `previous`,
     * `previous-passed` of the same test); checked before any load.
     */
    baseline: z.string().min(1).max(128).optional(),
    /** With baseline: a fail verdict of the comparison makes the run's exit code 99. */
    failOnRegression: z.boolean().optional(),
    /** Explicit run id (else generated). */
    runId: RunIdSchema.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.runnersPerRegion !== undefined && input.maxVusPerRunner !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['runnersPerRegion'],
        message: 'give either runnersPerRegion or maxVusPerRunner, not both',
      });
    }
    const regions = input.regions ?? [];
    const names = new Set<string>();
    for (const r of regions) {
      if (names.has(r.name)) {
        ctx.addIssue({ code: 'custom', path: ['regions'], message: `region "${r.name}" is listed twice` });
      }
      names.add(r.name);
    }
    if (regions.length > 0) {
      const sum = regions.reduce((s, r) => s + r.weight, 0);
      if (Math.abs(sum - 100) > 1e-9) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions'],
          message: `region weights must sum to 100, they sum to ${sum} (${regions.map((r) => `${r.name}=${r.weight}`).join(', ')})`,
        });
      }
    }
  });
export type RunInput = z.infer<typeof RunInputSchema>;
