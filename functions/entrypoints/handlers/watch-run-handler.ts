import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { createS3Client } from '../../adapters/aws/aws-clients';
import { cloudWatchClientsByRegion, readCloudWatchWindow } from '../../adapters/aws/cloudwatch-reader';
import { S3RunStore } from '../../adapters/store/s3-run-store';
import { HANDLER_ENV, readHandlerEnv } from '../../contracts/handler-env';
import type { CloudWatchSource } from '../../contracts/server-metrics';
import { type RunRefEvent, RunRefEventSchema, type WatchResult } from '../../contracts/task-io';
import { DEFAULT_SERVER_READERS, type ServerReaders } from '../../engine/watcher/server-metrics-step';
import { watchTick } from '../../engine/watcher/watch-tick';
import { sinkWithSecret } from './sink-credentials';

const env = readHandlerEnv(
  z.object({
    [HANDLER_ENV.bucket]: z.string().min(3),
    [HANDLER_ENV.bucketRegion]: z.string().min(1),
  }),
);
const logger = new Logger({ serviceName: 'k6-fleet-watch' });
const store = new S3RunStore(createS3Client(env[HANDLER_ENV.bucketRegion]), env[HANDLER_ENV.bucket]);
// Intervals, rollups, thresholds and events go to the metrics sink from here (not the runners).
// Read once per cold start; the secret (InfluxDB) is fetched here, never put in the env.
const sinkReady = sinkWithSecret(new SecretsManagerClient({}));
// Server metrics: Prometheus endpoints as locally, plus CloudWatch (GetMetricData) here only.
const cloudWatch = cloudWatchClientsByRegion();
const serverReaders: ServerReaders = {
  ...DEFAULT_SERVER_READERS,
  cloudwatch: (source, prev) =>
    readCloudWatchWindow(source as CloudWatchSource, prev, cloudWatch((source as CloudWatchSource).region)),
};

/**
 * Watch: one tick of the controller (merge new intervals, judge thresholds, heartbeat,
 * start barrier, abort). Stateless: the watcher keeps its state in the run store, so the
 * state machine's Wait → Watch → Choice loop is the only clock.
 */
export const handler = async (rawEvent: unknown): Promise<WatchResult> => {
  const { runId }: RunRefEvent = RunRefEventSchema.parse(rawEvent);
  const sink = await sinkReady;
  const status = await watchTick(store, runId, { sink, serverReaders });
  logger.debug('tick', { runId, phase: status.phase, elapsedMs: status.elapsedMs });
  return { phase: status.phase, elapsedMs: status.elapsedMs, verdict: status.verdict };
};
