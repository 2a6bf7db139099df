import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { createS3Client } from '../../adapters/aws/aws-clients';
import { S3RunStore } from '../../adapters/store/s3-run-store';
import type { RunnerResult } from '../../contracts';
import { HANDLER_ENV, readHandlerEnv } from '../../contracts/handler-env';
import { type RunnerEvent, RunnerEventSchema } from '../../contracts/task-io';
import { runRunner } from '../../engine/runner/run-runner';
import { DuplicateStartError } from '../../engine/runner/runner-claim';

/** Stop k6 this long before Lambda kills the function, so the result still gets written. */
const STOP_BEFORE_TIMEOUT_MS = 20_000;

const env = readHandlerEnv(
  z.object({
    [HANDLER_ENV.bucket]: z.string().min(3),
    [HANDLER_ENV.bucketRegion]: z.string().min(1),
    [HANDLER_ENV.k6Path]: z.string().min(1).default('/opt/bin/k6'),
  }),
);
const logger = new Logger({ serviceName: 'k6-fleet-runner' });
// The bucket lives in the home region; this function runs in a runner region.
const store = new S3RunStore(createS3Client(env[HANDLER_ENV.bucketRegion]), env[HANDLER_ENV.bucket]);

/**
 * The runner: one share of the test, invoked asynchronously by the dispatcher with
 * `{ runId, runnerId, env }`. The env values (maybe secrets) go to k6 only: never logged,
 * never stored.
 */
export const handler = async (
  rawEvent: unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis'> & Partial<Pick<Context, 'awsRequestId'>>,
) => {
  const event: RunnerEvent = RunnerEventSchema.parse(rawEvent);
  logger.appendKeys({ runId: event.runId, runnerId: event.runnerId });
  const remaining = context?.getRemainingTimeInMillis() ?? 15 * 60_000;
  const signal = AbortSignal.timeout(Math.max(1000, remaining - STOP_BEFORE_TIMEOUT_MS));
  const workDir = join(tmpdir(), 'k6-fleet', event.runId, event.runnerId);
  try {
    const result: RunnerResult = await runRunner({
      store,
      runId: event.runId,
      runnerId: event.runnerId,
      env: event.env,
      k6Path: env[HANDLER_ENV.k6Path],
      workDir,
      signal,
      invocation: context?.awsRequestId,
    });
    logger.info('runner ended', {
      outcome: result.outcome,
      k6ExitCode: result.k6ExitCode,
      reason: result.reason,
    });
    return { outcome: result.outcome, k6ExitCode: result.k6ExitCode };
  } catch (e) {
    if (!(e instanceof DuplicateStartError)) throw e;
    // Not an error: a retried start of a runner that is already running (or ran).
    logger.warn('duplicate start ignored', { claim: e.holder });
    return { outcome: 'duplicate' as const, k6ExitCode: null };
  } finally {
    // A warm container may host the next run's runner: leave /tmp empty.
    await rm(workDir, { recursive: true, force: true });
    logger.removeKeys(['runId', 'runnerId']);
  }
};
