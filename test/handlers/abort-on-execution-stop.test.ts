import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortInfoSchema, runKeys } from '../../functions/contracts';
import type { AbortOnStopResult } from '../../functions/entrypoints/handlers/abort-on-execution-stop-handler';
import { mockS3Bucket } from './support/in-memory-s3';

type Handler = (event: unknown) => Promise<AbortOnStopResult>;

/** An EventBridge "Step Functions Execution Status Change" event as AWS sends it. */
function statusChange(status: string, name: string, input: unknown, extra: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'c3a1',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '123456789012',
    time: '2026-11-24T10:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:states:eu-west-1:123456789012:execution:k6-fleet-run:${name}`],
    detail: {
      executionArn: `arn:aws:states:eu-west-1:123456789012:execution:k6-fleet-run:${name}`,
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:k6-fleet-run',
      name,
      status,
      startDate: 1_764_000_000_000,
      stopDate: 1_764_000_060_000,
      input: JSON.stringify(input),
      output: null,
      ...extra,
    },
  };
}

describe('abort-on-execution-stop handler', () => {
  let handler: Handler;
  let bucket: ReturnType<typeof mockS3Bucket>;

  beforeAll(async () => {
    vi.stubEnv('K6_FLEET_BUCKET', 'runs-bucket');
    vi.stubEnv('K6_FLEET_BUCKET_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    ({ handler } = await import('../../functions/entrypoints/handlers/abort-on-execution-stop-handler'));
  });
  beforeEach(() => {
    bucket = mockS3Bucket();
  });
  afterEach(() => bucket.s3.restore());

  it('writes abort.json for a run stopped from the console (run id from the input)', async () => {
    // Prepare
    bucket.objects.set(runKeys('ci-17').plan, '{}');
    // Act
    const result = await handler(
      statusChange('ABORTED', 'exec-1', { runId: 'ci-17', script: { inline: 'x' } }),
    );
    // Assess
    expect(result).toEqual({ action: 'written', runId: 'ci-17' });
    const abort = AbortInfoSchema.parse(JSON.parse(bucket.objects.get(runKeys('ci-17').abort) ?? 'null'));
    expect(abort.source).toBe('console');
    expect(abort.reason).toMatch(/exec-1 was stopped/);
  });

  it('finds the run by execution name when the input has no runId, and maps TIMED_OUT to deadline', async () => {
    // Prepare
    const name = '0b7e4c1e-5d1a-4c09-a3f2-9f1e2d3c4b5a';
    bucket.objects.set(runKeys(name).plan, '{}');
    // Act
    const result = await handler(statusChange('TIMED_OUT', name, { script: { inline: 'x' } }));
    // Assess
    expect(result).toEqual({ action: 'written', runId: name });
    expect(JSON.parse(bucket.objects.get(runKeys(name).abort) ?? '{}')).toMatchObject({ source: 'deadline' });
  });

  it('reports a FAILED execution with its error', async () => {
    // Prepare
    bucket.objects.set(runKeys('r-failed').plan, '{}');
    // Act
    await handler(statusChange('FAILED', 'r-failed', {}, { error: 'RunFailed', cause: 'watch crashed' }));
    // Assess
    expect(JSON.parse(bucket.objects.get(runKeys('r-failed').abort) ?? '{}')).toMatchObject({
      source: 'interrupt',
      reason: 'execution r-failed failed: RunFailed',
    });
  });

  it('leaves finished runs, runs that never planned, and earlier aborts alone', async () => {
    // Prepare
    bucket.objects.set(runKeys('done').plan, '{}');
    bucket.objects.set(runKeys('done').summary, '{}');
    bucket.objects.set(runKeys('aborted').plan, '{}');
    bucket.objects.set(
      runKeys('aborted').abort,
      JSON.stringify({ source: 'threshold', reason: 'p95', at: 1 }),
    );
    // Act
    const finished = await handler(statusChange('FAILED', 'done', {}));
    const neverPlanned = await handler(statusChange('FAILED', 'invalid-one', { bogus: true }));
    const kept = await handler(statusChange('ABORTED', 'aborted', {}));
    // Assess
    expect(finished).toMatchObject({ action: 'skipped', why: 'run already finished' });
    expect(neverPlanned).toMatchObject({ action: 'skipped', runId: 'invalid-one' });
    expect(kept).toEqual({ action: 'kept', runId: 'aborted' });
    expect(bucket.objects.has(runKeys('done').abort)).toBe(false);
    expect(bucket.objects.has(runKeys('invalid-one').abort)).toBe(false);
    expect(JSON.parse(bucket.objects.get(runKeys('aborted').abort) ?? '{}')).toMatchObject({
      source: 'threshold',
    });
  });

  it('rejects events that are not Step Functions status changes', async () => {
    // Act + Assess
    await expect(
      handler({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} }),
    ).rejects.toThrow();
  });
});
