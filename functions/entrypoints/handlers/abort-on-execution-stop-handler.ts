import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { writeAbortOnce } from '../../adapters/aws/abort-writer';
import { createS3Client } from '../../adapters/aws/aws-clients';
import { runIdForExecution } from '../../adapters/aws/run-id-for-execution';
import { S3RunStore } from '../../adapters/store/s3-run-store';
import { type AbortInfo, runKeys } from '../../contracts';
import { HANDLER_ENV, readHandlerEnv } from '../../contracts/handler-env';

/** The EventBridge event Step Functions sends when an execution changes status. */
export const ExecutionStatusChangeSchema = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  source: z.literal('aws.states'),
  detail: z.object({
    executionArn: z.string(),
    stateMachineArn: z.string(),
    name: z.string(),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']),
    /** The execution input as a JSON string (null when too large to include). */
    input: z.string().nullable().optional(),
    error: z.string().nullable().optional(),
    cause: z.string().nullable().optional(),
  }),
});
export type ExecutionStatusChange = z.infer<typeof ExecutionStatusChangeSchema>;

const env = readHandlerEnv(
  z.object({
    [HANDLER_ENV.bucket]: z.string().min(3),
    [HANDLER_ENV.bucketRegion]: z.string().min(1),
  }),
);
const logger = new Logger({ serviceName: 'k6-fleet-abort-on-stop' });
const store = new S3RunStore(createS3Client(env[HANDLER_ENV.bucketRegion]), env[HANDLER_ENV.bucket]);

function parseInput(text: string | null | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function abortFor(detail: ExecutionStatusChange['detail']): AbortInfo {
  const at = Date.now();
  switch (detail.status) {
    case 'ABORTED':
      return {
        source: 'console',
        reason: `execution ${detail.name} was stopped (console or StopExecution)`,
        at,
      };
    case 'TIMED_OUT':
      return { source: 'deadline', reason: `execution ${detail.name} timed out`, at };
    default:
      return {
        source: 'interrupt',
        reason: `execution ${detail.name} failed: ${detail.error ?? 'unknown error'}`.slice(0, 1000),
        at,
      };
  }
}

export type AbortOnStopResult =
  | { action: 'written' | 'kept'; runId: string }
  | { action: 'skipped'; runId: string; why: string };

/**
 * When an execution is stopped, fails or times out, its runners (in other regions, outside
 * Step Functions' reach) must stop too: this writes abort.json, which every runner polls.
 * Runs that never planned or already finished are left alone.
 */
export const handler = async (rawEvent: unknown): Promise<AbortOnStopResult> => {
  const { detail } = ExecutionStatusChangeSchema.parse(rawEvent);
  const runId = runIdForExecution(parseInput(detail.input), detail.name);
  const keys = runKeys(runId);
  if (!['ABORTED', 'FAILED', 'TIMED_OUT'].includes(detail.status)) {
    return { action: 'skipped', runId, why: `status ${detail.status}` };
  }
  if ((await store.get(keys.summary)) !== undefined) {
    return { action: 'skipped', runId, why: 'run already finished' };
  }
  if ((await store.get(keys.plan)) === undefined) {
    return { action: 'skipped', runId, why: 'run never started runners (no plan)' };
  }
  const action = await writeAbortOnce(store, runId, abortFor(detail));
  logger.info('abort on execution stop', { runId, status: detail.status, action });
  return { action, runId };
};
