import type { z } from 'zod';

/**
 * The environment variables each Lambda reads, named once: the infrastructure (lib/)
 * sets them from these constants, the handlers read them with readHandlerEnv.
 */
export const HANDLER_ENV = {
  /** The run-store bucket. */
  bucket: 'K6_FLEET_BUCKET',
  /** The bucket's region (runners live in other regions). */
  bucketRegion: 'K6_FLEET_BUCKET_REGION',
  /** Runner regions and default weights, JSON: [{"name":"eu-west-1","weight":50},…]. */
  runnerRegions: 'K6_FLEET_RUNNER_REGIONS',
  /** Default VU cap per runner when a run input gives neither it nor runnersPerRegion. */
  maxVusPerRunner: 'K6_FLEET_MAX_VUS_PER_RUNNER',
  /** Name of the runner function, the same in every runner region. */
  runnerFunctionName: 'K6_FLEET_RUNNER_FUNCTION',
  /** The runner function's timeout; the planner refuses tests that would not fit. */
  runnerTimeoutSeconds: 'K6_FLEET_RUNNER_TIMEOUT_SECONDS',
  /** The runner function's memory (MB); the planner caps VUs per runner by it. */
  runnerMemoryMb: 'K6_FLEET_RUNNER_MEMORY_MB',
  /** The runner function's architecture (arm64 | x86_64), for the cost estimate. */
  runnerArchitecture: 'K6_FLEET_RUNNER_ARCHITECTURE',
  /** Path of the k6 binary (the layer puts it at /opt/bin/k6). */
  k6Path: 'K6_FLEET_K6',
  /** First backoff delay of the dispatcher's retries on throttling. */
  dispatchBackoffMs: 'K6_FLEET_DISPATCH_BACKOFF_MS',
  /** Event bus for `k6-fleet Run Finished`. */
  eventBus: 'K6_FLEET_EVENT_BUS',
  /** The metrics sink of the watcher and finalizer, a JSON SinkConfig (unset: no sink). */
  sink: 'K6_FLEET_SINK',
  /** Secrets Manager secret the sink's credentials are read from at cold start (InfluxDB). */
  sinkSecretArn: 'K6_FLEET_SINK_SECRET_ARN',
  /** S3-compatible endpoint (e.g. a local emulator); path-style addressing is used with it. */
  s3Endpoint: 'K6_FLEET_S3_ENDPOINT',
} as const;

/** Thrown at cold start so a misconfigured function fails loudly on its first invocation. */
export class HandlerEnvError extends Error {
  override readonly name = 'HandlerEnvError';
}

/** Reads and checks a handler's environment once, at cold start. */
export function readHandlerEnv<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(env)'}: ${i.message}`);
  throw new HandlerEnvError(`bad Lambda environment: ${problems.join('; ')}`);
}
