import {
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortInfoSchema, runKeys } from '../../functions/contracts';
import type { DispatchResult, RunnerEvent } from '../../functions/contracts/task-io';
import { captureOutput } from './support/captured-output';
import { mockS3Bucket } from './support/in-memory-s3';
import { planFixture } from './support/plan-fixture';

const SECRET = 'sk_live_do-not-leak-4242';
type Handler = (event: unknown) => Promise<DispatchResult>;

describe('dispatch handler', () => {
  let handler: Handler;
  let bucket: ReturnType<typeof mockS3Bucket>;
  const lambda = mockClient(LambdaClient);

  beforeAll(async () => {
    vi.stubEnv('K6_FLEET_BUCKET', 'runs-bucket');
    vi.stubEnv('K6_FLEET_BUCKET_REGION', 'eu-west-1');
    vi.stubEnv('K6_FLEET_RUNNER_FUNCTION', 'k6-fleet-runner');
    vi.stubEnv('K6_FLEET_DISPATCH_BACKOFF_MS', '5');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    ({ handler } = await import('../../functions/entrypoints/handlers/dispatch-runners-handler'));
  });
  beforeEach(() => {
    bucket = mockS3Bucket();
    lambda.reset();
  });
  afterEach(() => bucket.s3.restore());

  const input = { script: { inline: 'x' }, env: { API_TOKEN: SECRET } };

  /** Each invocation's region (from the client it was sent through) and payload. */
  async function invocations() {
    return Promise.all(
      lambda.commandCalls(InvokeCommand).map(async (call) => {
        const client = call.thisValue as LambdaClient;
        const args = call.args[0].input;
        return {
          region: await client.config.region(),
          functionName: args.FunctionName,
          type: args.InvocationType,
          payload: JSON.parse(new TextDecoder().decode(args.Payload as Uint8Array)) as RunnerEvent,
        };
      }),
    );
  }

  it('invokes every runner asynchronously in its own region with its id and the env', async () => {
    // Prepare
    bucket.objects.set(
      runKeys('run-1').plan,
      JSON.stringify(planFixture('run-1', { 'eu-west-1': 2, 'us-east-1': 1 })),
    );
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const output = captureOutput();
    // Act
    const result = await handler({ runId: 'run-1', input }).finally(output.restore);
    // Assess
    expect(result).toEqual({ ok: true, started: 3 });
    const calls = await invocations();
    expect(calls.map((c) => `${c.region}:${c.payload.runnerId}`).sort()).toEqual([
      'eu-west-1:eu-west-1-0',
      'eu-west-1:eu-west-1-1',
      'us-east-1:us-east-1-0',
    ]);
    for (const c of calls) {
      expect(c).toMatchObject({ functionName: 'k6-fleet-runner', type: 'Event' });
      expect(c.payload).toMatchObject({ runId: 'run-1', env: { API_TOKEN: SECRET } });
    }
    expect(bucket.objects.has(runKeys('run-1').abort)).toBe(false);
  });

  it('retries a throttled invocation with backoff until Lambda accepts it', async () => {
    // Prepare: us-east-1's API throttles twice, then queues the event.
    bucket.objects.set(runKeys('run-2').plan, JSON.stringify(planFixture('run-2', { 'us-east-1': 1 })));
    const throttled = () => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    lambda.on(InvokeCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ StatusCode: 202 });
    const output = captureOutput();
    // Act
    const result = await handler({ runId: 'run-2', input }).finally(output.restore);
    // Assess
    expect(result).toEqual({ ok: true, started: 1 });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(3);
    expect(output.text().match(/runner invoke throttled, retrying/g)).toHaveLength(2);
  });

  it('on a region that cannot start runners: stops dispatching, writes abort.json, names the region', async () => {
    // Prepare: the runner stack is missing in ap-southeast-2.
    bucket.objects.set(
      runKeys('run-3').plan,
      JSON.stringify(planFixture('run-3', { 'eu-west-1': 1, 'ap-southeast-2': 1 })),
    );
    lambda.on(InvokeCommand).callsFake(async (_input, getClient) => {
      const region = await (getClient() as LambdaClient).config.region();
      if (region === 'ap-southeast-2') {
        throw new ResourceNotFoundException({
          message: 'Function not found: k6-fleet-runner',
          $metadata: {},
        });
      }
      return { StatusCode: 202 };
    });
    const output = captureOutput();
    // Act
    const result = await handler({ runId: 'run-3', input }).finally(output.restore);
    // Assess
    expect(result).toMatchObject({ ok: false, failedRegion: 'ap-southeast-2', started: 1 });
    expect(result.ok === false && result.cause).toMatch(/Dispatch failed in ap-southeast-2/);
    expect(result.ok === false && result.cause).toMatch(/runner stack is deployed in ap-southeast-2/);
    const abort = AbortInfoSchema.parse(JSON.parse(bucket.objects.get(runKeys('run-3').abort) ?? 'null'));
    expect(abort).toMatchObject({ source: 'dispatch', runnerId: 'ap-southeast-2-0' });
    expect(abort.reason).toMatch(/ResourceNotFoundException/);
    // Not retried: a missing function is not a throttle.
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(2);
    // The secret went to the runners only: not to the logs, not to the run store.
    expect(output.text()).toContain('dispatch failed');
    expect(output.text()).not.toContain(SECRET);
    for (const body of bucket.objects.values()) expect(body).not.toContain(SECRET);
  });

  it('keeps an earlier abort (its reason is the real cause) when dispatch then fails', async () => {
    // Prepare
    const keys = runKeys('run-4');
    bucket.objects.set(keys.plan, JSON.stringify(planFixture('run-4', { 'eu-west-1': 1 })));
    bucket.objects.set(keys.abort, JSON.stringify({ source: 'cli', reason: 'user pressed Ctrl-C', at: 1 }));
    lambda.on(InvokeCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    const output = captureOutput();
    // Act
    const result = await handler({ runId: 'run-4', input }).finally(output.restore);
    // Assess
    expect(result.ok).toBe(false);
    expect(JSON.parse(bucket.objects.get(keys.abort) ?? '{}')).toMatchObject({ source: 'cli' });
  });
});
