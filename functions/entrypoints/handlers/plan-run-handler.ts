import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { createS3Client } from '../../adapters/aws/aws-clients';
import { cloudWatchClientsByRegion, probeCloudWatch } from '../../adapters/aws/cloudwatch-reader';
import { refusalCause } from '../../adapters/aws/refusal-cause';
import { S3RunStore } from '../../adapters/store/s3-run-store';
import { runKeys } from '../../contracts';
import { HANDLER_ENV, readHandlerEnv } from '../../contracts/handler-env';
import type { CloudWatchSource } from '../../contracts/server-metrics';
import { type PlanEvent, PlanEventSchema, type PlanResult } from '../../contracts/task-io';
import { InvalidInputError } from '../../core/planner/plan-errors';
import { planRun } from '../../engine/planner/plan-run';

/** Room in the runner's Lambda timeout for k6 init, the start barrier and the final flush. */
const RUNNER_OVERHEAD_MS = 2 * 60_000;

const env = readHandlerEnv(
  z.object({
    [HANDLER_ENV.bucket]: z.string().min(3),
    [HANDLER_ENV.bucketRegion]: z.string().min(1),
    [HANDLER_ENV.k6Path]: z.string().min(1).default('/opt/bin/k6'),
    [HANDLER_ENV.runnerTimeoutSeconds]: z.coerce.number().int().min(180).max(900),
    // Unset in stacks deployed before it existed: the file-descriptor cap alone applies.
    [HANDLER_ENV.runnerMemoryMb]: z.coerce.number().int().min(128).max(10240).optional(),
    [HANDLER_ENV.runnerArchitecture]: z.enum(['arm64', 'x86_64']).optional(),
  }),
);
const logger = new Logger({ serviceName: 'k6-fleet-plan' });
const store = new S3RunStore(createS3Client(env[HANDLER_ENV.bucketRegion]), env[HANDLER_ENV.bucket]);
// A CloudWatch source AWS refuses (or that has no data) is refused here, before any load.
const cloudWatch = cloudWatchClientsByRegion();
const serverProbe = {
  cloudwatch: (source: CloudWatchSource) => probeCloudWatch(source, cloudWatch(source.region)),
};
const runnerLimitMs = env[HANDLER_ENV.runnerTimeoutSeconds] * 1000 - RUNNER_OVERHEAD_MS;

/**
 * Plan: runs `k6 inspect` on the script (k6 comes from the layer), splits the test over
 * regions and runners, and writes plan.json and the script to the run store. A script or
 * input k6 rejects comes back as `{ ok: false, cause }` (Fail `InvalidInput`); the cause
 * carries k6's exit code when it is not 104 (a script exception: 107).
 */
export const handler = async (rawEvent: unknown): Promise<PlanResult> => {
  const event: PlanEvent = PlanEventSchema.parse(rawEvent);
  const script = event.input.script;
  const scriptText =
    'inline' in script ? script.inline : 's3Key' in script ? await store.get(script.s3Key) : undefined;
  if (scriptText === undefined) {
    return {
      ok: false,
      cause: `the script ${JSON.stringify(script)} cannot be read from ${store.describe('')}`,
    };
  }
  try {
    const plan = await planRun(event.input, {
      store,
      k6Path: env[HANDLER_ENV.k6Path],
      scriptText,
      runnerLimitMs,
      runnerMemoryMb: env[HANDLER_ENV.runnerMemoryMb] ?? null,
      runnerArchitecture: env[HANDLER_ENV.runnerArchitecture],
      serverProbe,
    });
    logger.info('planned', {
      runId: plan.runId,
      runners: plan.runners.length,
      maxVUs: plan.requirements.maxVUs,
    });
    return {
      ok: true,
      runId: plan.runId,
      planUri: store.describe(runKeys(plan.runId).plan),
      runners: plan.runners.length,
      regions: plan.regions.map((r) => r.name),
      maxVUs: plan.requirements.maxVUs,
      totalDurationMs: plan.requirements.totalDurationMs,
    };
  } catch (e) {
    if (e instanceof InvalidInputError) {
      logger.warn('plan refused', { runId: event.runId, reason: e.message, exitCode: e.exitCode });
      return { ok: false, cause: refusalCause(e.message, e.exitCode) };
    }
    throw e;
  }
};
