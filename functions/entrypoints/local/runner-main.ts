/**
 * Entry of one local runner process. Reads its job as JSON on stdin (env values stay out
 * of argv and of the run store), runs it, exits 0 when a result was written.
 */
import { text } from 'node:stream/consumers';
import { z } from 'zod';
import { LocalRunStore } from '../../adapters/store/local-run-store';
import { MetricsOutputKindSchema } from '../../contracts/fleet-output-batch';
import { runRunner } from '../../engine/runner/run-runner';

const JobSchema = z.object({
  storeRoot: z.string(),
  runId: z.string(),
  runnerId: z.string(),
  env: z.record(z.string(), z.string()),
  k6Path: z.string(),
  workDir: z.string(),
  extraOutputs: z.array(z.string()).optional(),
  metricsOutput: z.enum(['auto', ...MetricsOutputKindSchema.options]).optional(),
});
export type LocalRunnerJob = z.infer<typeof JobSchema>;

const job = JobSchema.parse(JSON.parse(await text(process.stdin)));
const ac = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => ac.abort());
try {
  const result = await runRunner({
    store: new LocalRunStore(job.storeRoot),
    runId: job.runId,
    runnerId: job.runnerId,
    env: job.env,
    k6Path: job.k6Path,
    workDir: job.workDir,
    extraOutputs: job.extraOutputs,
    metricsOutput: job.metricsOutput,
    signal: ac.signal,
  });
  process.stderr.write(`runner ${job.runnerId}: ${result.outcome} (k6 exit ${result.k6ExitCode})\n`);
  process.exit(0);
} catch (e) {
  process.stderr.write(`runner ${job.runnerId}: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
}
