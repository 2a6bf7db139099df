import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { HANDLER_ENV } from '../../contracts/handler-env';

/**
 * The S3 client of the run store. With K6_FLEET_S3_ENDPOINT set (a local S3-compatible
 * emulator) it uses path-style addressing, since `bucket.127.0.0.1` does not resolve.
 * Runners live outside the bucket's region, so the region is given explicitly.
 */
export function createS3Client(region: string | undefined, env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env[HANDLER_ENV.s3Endpoint];
  return new S3Client({
    region,
    followRegionRedirects: true,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}

/** One Lambda client per region, created on first use and kept for the container's life. */
export function lambdaClientsByRegion(): (region: string) => LambdaClient {
  const clients = new Map<string, LambdaClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      // The dispatcher retries throttling itself (with backoff and a log line per retry).
      client = new LambdaClient({ region, maxAttempts: 1 });
      clients.set(region, client);
    }
    return client;
  };
}

export function createEventBridgeClient(): EventBridgeClient {
  return new EventBridgeClient({});
}
