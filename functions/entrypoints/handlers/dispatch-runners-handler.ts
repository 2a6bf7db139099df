import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { writeAbortOnce } from '../../adapters/aws/abort-writer';
import { createS3Client, lambdaClientsByRegion } from '../../adapters/aws/aws-clients';
import { LambdaRunnerInvoker } from '../../adapters/aws/lambda-runner-invoker';
import { getJson } from '../../adapters/store/run-store';
import { S3RunStore } from '../../adapters/store/s3-run-store';
import { PlanSchema, type RunnerAssignment, runKeys } from '../../contracts';
import { HANDLER_ENV, readHandlerEnv } from '../../contracts/handler-env';
import { type DispatchEvent, DispatchEventSchema, type DispatchResult } from '../../contracts/task-io';

/** Invocations in flight at once: fast for big fleets, gentle on per-region API limits. */
const CONCURRENCY = 10;

const env = readHandlerEnv(
  z.object({
    [HANDLER_ENV.bucket]: z.string().min(3),
    [HANDLER_ENV.bucketRegion]: z.string().min(1),
    [HANDLER_ENV.runnerFunctionName]: z.string().min(1),
    [HANDLER_ENV.dispatchBackoffMs]: z.coerce.number().int().min(1).default(200),
  }),
);
const logger = new Logger({ serviceName: 'k6-fleet-dispatch' });
const store = new S3RunStore(createS3Client(env[HANDLER_ENV.bucketRegion]), env[HANDLER_ENV.bucket]);
const invoker = new LambdaRunnerInvoker({
  functionName: env[HANDLER_ENV.runnerFunctionName],
  clientFor: lambdaClientsByRegion(),
  baseDelayMs: env[HANDLER_ENV.dispatchBackoffMs],
  onRetry: (region, runnerId, error, attempt, delayMs) =>
    logger.warn('runner invoke throttled, retrying', {
      region,
      runnerId,
      attempt,
      delayMs,
      error: (error as Error).name,
    }),
});

interface Failure {
  runner: RunnerAssignment;
  error: Error;
}

/**
 * Dispatch: starts every runner of the plan in its own region. If one cannot be started,
 * no further runner is started, abort.json tells those already started to stop, and the
 * run fails naming the region.
 */
export const handler = async (rawEvent: unknown): Promise<DispatchResult> => {
  const event: DispatchEvent = DispatchEventSchema.parse(rawEvent);
  const { runId } = event;
  const plan = await getJson(store, runKeys(runId).plan, (v) => PlanSchema.parse(v));
  if (!plan) throw new Error(`no plan at ${store.describe(runKeys(runId).plan)}`);
  const runnerEnv = event.input.env ?? {};

  const queue = [...plan.runners];
  let started = 0;
  let failure: Failure | undefined;
  const worker = async () => {
    for (let runner = queue.shift(); runner && !failure; runner = queue.shift()) {
      try {
        await invoker.invoke(runner.region, { runId, runnerId: runner.runnerId, env: runnerEnv });
        started++;
      } catch (e) {
        failure ??= { runner, error: e as Error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, plan.runners.length) }, worker));

  if (!failure) {
    logger.info('runners started', { runId, started });
    return { ok: true, started };
  }
  const { runner, error } = failure;
  const what = `could not start runner ${runner.runnerId} in ${runner.region}: ${error.name}: ${error.message}`;
  await writeAbortOnce(store, runId, {
    source: 'dispatch',
    reason: what,
    at: Date.now(),
    runnerId: runner.runnerId,
  });
  logger.error('dispatch failed; abort written', {
    runId,
    region: runner.region,
    runnerId: runner.runnerId,
    started,
  });
  return {
    ok: false,
    failedRegion: runner.region,
    started,
    cause: `Dispatch failed in ${runner.region}: ${what}. The ${started} runner(s) already started were told to stop. Check that the runner stack is deployed in ${runner.region} and that its Lambda concurrency allows ${plan.runners.filter((r) => r.region === runner.region).length} runner(s).`,
  };
};
