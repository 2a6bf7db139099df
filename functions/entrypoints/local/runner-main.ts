/**
 * Entry of one local runner process. Reads its job as JSON on stdin (env values stay out
 * of argv and of the run store), runs it, exits 0 when a result was written.
 */
import { text } from 'node:stream/consumers';
import { z } from 'zod';
import { LocalRunStore } from '../../adapters/store/local-run-store';
import { MetricsOutputKindSchema } from '../../contracts/fleet-output-batch';
import { runRunner } from '../../engine/runner/run-runner';
import { INVOKED_LINE } from './runner-process';
import { windowInvocationAt } from './window-invocation';

const JobSchema = z.object({
  storeRoot: z.string(),
  runId: z.string(),
  runnerId: z.string(),
  env: z.record(z.string(), z.string()),
  k6Path: z.string(),
  workDir: z.string(),
  extraOutputs: z.array(z.string()).optional(),
  metricsOutput: z.enum(['auto', ...MetricsOutputKindSchema.options]).optional(),
  /** The relay window this process runs (plan.relay). @default 0 */
  window: z.number().int().nonnegative().optional(),
  /** Epoch ms the invocation starts at: the process is started earlier, as a Lambda's init
   * phase comes before its invocation (and is not counted against its timeout). */
  notBefore: z.number().optional(),
});
export type LocalRunnerJob = z.infer<typeof JobSchema>;

const job = JobSchema.parse(JSON.parse(await text(process.stdin)));
const store = new LocalRunStore(job.storeRoot);
const notBefore =
  job.notBefore ?? (job.window ? await windowInvocationAt(store, job.runId, job.runnerId, job.window) : 0);
await new Promise((r) => setTimeout(r, Math.max(0, notBefore - Date.now())));
// The orchestrator's --runner-timeout clock starts here (see RunnerProcess.invoked).
process.stderr.write(`${INVOKED_LINE}\n`);
const ac = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => ac.abort());
try {
  const result = await runRunner({
    store,
    runId: job.runId,
    runnerId: job.runnerId,
    env: job.env,
    k6Path: job.k6Path,
    workDir: job.workDir,
    extraOutputs: job.extraOutputs,
    metricsOutput: job.metricsOutput,
    window: job.window,
    signal: ac.signal,
  });
  process.stderr.write(`runner ${job.runnerId}: ${result.outcome} (k6 exit ${result.k6ExitCode})\n`);
  process.exit(0);
} catch (e) {
  process.stderr.write(`runner ${job.runnerId}: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
}
