import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putJson } from '../../functions/adapters/store/run-store';
import { S3RunStore } from '../../functions/adapters/store/s3-run-store';
import { RunnerResultSchema, runKeys } from '../../functions/contracts';
import { planRun } from '../../functions/engine/planner/plan-run';
import { startTargetServer, type TargetServer } from '../../target/server';
import { K6_PATH } from '../support/k6-path';
import { captureOutput } from './support/captured-output';
import { mockS3Bucket } from './support/in-memory-s3';

const SECRET = 'pw_runner-secret-9931';
type Handler = (
  event: unknown,
  context?: { getRemainingTimeInMillis(): number },
) => Promise<{ outcome: string }>;

describe('runner handler', () => {
  let handler: Handler;
  let target: TargetServer;
  let bucket: ReturnType<typeof mockS3Bucket>;

  beforeAll(async () => {
    vi.stubEnv('K6_FLEET_BUCKET', 'runs-bucket');
    vi.stubEnv('K6_FLEET_BUCKET_REGION', 'eu-west-1');
    vi.stubEnv('K6_FLEET_K6', K6_PATH);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    bucket = mockS3Bucket();
    target = await startTargetServer({ port: 0 });
    ({ handler } = await import('../../functions/entrypoints/handlers/run-runner-handler'));
  });
  afterAll(async () => {
    bucket.s3.restore();
    await target.close();
  });

  it('stops itself (k6 stopped, result written) when the controller goes silent', async () => {
    // Prepare: a 60 s test whose controller beats once, sets the barrier, then falls silent.
    const store = new S3RunStore(new S3Client({ region: 'eu-west-1' }), 'runs-bucket');
    const script = `
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '60s' } } };
export default function () { http.get(__ENV.TARGET + '/api/items/1', { headers: { 'X-Token': __ENV.TOKEN } }); sleep(0.1); }`;
    const env = { TARGET: target.url, TOKEN: SECRET };
    const plan = await planRun(
      {
        runId: 'hb-1',
        script: { inline: script },
        regions: [{ name: 'eu-west-1', weight: 100 }],
        runnersPerRegion: 1,
        heartbeatTimeoutSeconds: 5,
        intervalSeconds: 1,
        env,
      },
      { store, k6Path: K6_PATH, scriptText: script, runnerLimitMs: 780_000 },
    );
    const now = Date.now();
    await putJson(store, runKeys('hb-1').control, { v: 1, heartbeatAt: now, startAt: now + 3000 });
    target.resetStats();
    const output = captureOutput();
    // Act
    const started = Date.now();
    const result = await handler(
      { runId: 'hb-1', runnerId: plan.runners[0]?.runnerId, env },
      { getRemainingTimeInMillis: () => 900_000 },
    ).finally(output.restore);
    const tookMs = Date.now() - started;
    // Assess
    expect(result.outcome).toBe('self-stopped');
    const stored = RunnerResultSchema.parse(
      JSON.parse(bucket.objects.get(runKeys('hb-1').result('eu-west-1-0')) ?? 'null'),
    );
    expect(stored).toMatchObject({ outcome: 'self-stopped', region: 'eu-west-1' });
    expect(stored.reason).toMatch(/controller silent/);
    // It ran load after the barrier, then stopped long before the test's 60 s.
    expect(target.stats().requests).toBeGreaterThan(0);
    expect(tookMs).toBeLessThan(30_000);
    // The env value reached k6 only: not the logs, not the run store.
    expect(output.text()).toContain('runner ended');
    expect(output.text()).not.toContain(SECRET);
    for (const [key, body] of bucket.objects) expect(body, key).not.toContain(SECRET);
  });

  it('rejects an event without a run id', async () => {
    await expect(handler({ runnerId: 'eu-west-1-0' })).rejects.toThrow(/runId/);
  });
});
