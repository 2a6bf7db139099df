import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { createEventBridgeClient, createS3Client } from '../../adapters/aws/aws-clients';
import { publishRunFinished } from '../../adapters/aws/run-finished-publisher';
import { S3RunStore } from '../../adapters/store/s3-run-store';
import type { Summary } from '../../contracts';
import { HANDLER_ENV, readHandlerEnv } from '../../contracts/handler-env';
import { type FinalizeResult, type RunRefEvent, RunRefEventSchema } from '../../contracts/task-io';
import { finalizeRun } from '../../engine/finalizer/finalize-run';
import { sinkWithSecret } from './sink-credentials';

const env = readHandlerEnv(
  z.object({
    [HANDLER_ENV.bucket]: z.string().min(3),
    [HANDLER_ENV.bucketRegion]: z.string().min(1),
    [HANDLER_ENV.eventBus]: z.string().min(1).default('default'),
  }),
);
const logger = new Logger({ serviceName: 'k6-fleet-finalize' });
const store = new S3RunStore(createS3Client(env[HANDLER_ENV.bucketRegion]), env[HANDLER_ENV.bucket]);
const events = createEventBridgeClient();
// Read once per cold start; the secret (InfluxDB) is fetched here, never put in the env.
const sinkReady = sinkWithSecret(new SecretsManagerClient({}));

/** One line that says what happened and where to look: the execution's Fail cause. */
export function verdictCause(summary: Summary, reportUri: string): string {
  const { fleet } = summary;
  switch (fleet.verdict) {
    case 'passed':
      return `Passed: all thresholds held. Report: ${reportUri}`;
    case 'thresholds-failed': {
      const failed = fleet.failedThresholds.map((t) => `${t.metric} ${t.expr}`).join(', ');
      return `Thresholds failed: ${failed || 'see report'}. Report: ${reportUri}`;
    }
    case 'aborted': {
      const a = fleet.abort;
      return `Run aborted${a ? ` by ${a.source}: ${a.reason}` : ''}. Report: ${reportUri}`;
    }
    default: {
      const bad = fleet.runners
        .filter((r) => r.outcome !== 'finished')
        .map((r) => `${r.runnerId} ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`)
        .slice(0, 5);
      return `Run failed (k6 exit ${fleet.exitCode})${bad.length ? `: ${bad.join('; ')}` : ''}. Report: ${reportUri}`;
    }
  }
}

/**
 * Finalize: summary.json (k6's handleSummary shape), report.html and the history line,
 * then the `k6-fleet Run Finished` event. The verdict picks the execution's end state.
 */
export const handler = async (rawEvent: unknown): Promise<FinalizeResult> => {
  const { runId }: RunRefEvent = RunRefEventSchema.parse(rawEvent);
  const sink = await sinkReady;
  const { summary, summaryKey, reportKey } = await finalizeRun(store, runId, { sink });
  const reportUri = store.describe(reportKey);
  await publishRunFinished(events, env[HANDLER_ENV.eventBus], {
    runId,
    testName: summary.testName,
    verdict: summary.fleet.verdict,
    exitCode: summary.fleet.exitCode,
    summaryKey,
    reportKey,
    bucket: store.bucket,
  });
  logger.info('run finished', { runId, verdict: summary.fleet.verdict, exitCode: summary.fleet.exitCode });
  return {
    runId,
    testName: summary.testName,
    verdict: summary.fleet.verdict,
    exitCode: summary.fleet.exitCode,
    summaryUri: store.describe(summaryKey),
    reportUri,
    cause: verdictCause(summary, reportUri),
  };
};
