import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { useTarget } from '../support/target';

const target = useTarget();
const runs: FleetRun[] = [];
afterAll(async () => {
  await Promise.all(runs.map(cleanup));
});

const sharedIterations = (threshold: string) => `
import http from 'k6/http';
export const options = {
  scenarios: { s: { executor: 'shared-iterations', vus: 12, iterations: 1000 } },
  thresholds: { http_reqs: ['${threshold}'] },
};
export default function () { http.get(__ENV.TARGET + '/api/items/1'); }
`;

describe('a fleet run equals one big k6 run', () => {
  it('shared-iterations: 1,000 iterations over 3 regions × 2 runners complete exactly once each', async () => {
    // Prepare
    target().resetStats();
    // Act
    const run = await runFleet({ script: sharedIterations('count>=1000'), env: { TARGET: target().url } });
    runs.push(run);
    // Assess
    const m = run.summary.metrics;
    expect(m.iterations?.values.count).toBe(1000);
    expect(m.http_reqs?.values.count).toBe(1000);
    expect(target().stats().requests).toBe(1000);
    expect(run.summary.fleet.runners).toHaveLength(6);
    expect(run.summary.fleet.runners.every((r) => r.outcome === 'finished')).toBe(true);
    expect(run.summary.fleet.regions.reduce((s, r) => s + r.requests, 0)).toBe(1000);
    expect(run.summary.fleet.verdict).toBe('passed');
    expect(run.summary.fleet.exitCode).toBe(0);
  });

  it('constant-arrival-rate delivers its planned total within 1%', async () => {
    // Prepare: 200 it/s for 5 s = 1,000 planned iterations, split by segments.
    target().resetStats();
    const script = `
import http from 'k6/http';
export const options = { scenarios: { car: { executor: 'constant-arrival-rate', rate: 200, timeUnit: '1s', duration: '5s', preAllocatedVUs: 30 } } };
export default function () { http.get(__ENV.TARGET + '/api/items/2'); }
`;
    // Act
    const run = await runFleet({ script, env: { TARGET: target().url } });
    runs.push(run);
    // Assess
    const count = run.summary.metrics.iterations?.values.count ?? 0;
    expect(Math.abs(count - 1000) / 1000).toBeLessThanOrEqual(0.01);
    expect(target().stats().requests).toBe(count);
    expect(run.summary.metrics.dropped_iterations?.values.count ?? 0).toBeLessThanOrEqual(10);
  });
});

describe('thresholds are judged on the whole fleet', () => {
  // 1,000 requests split 25/25/15/15/10/10 %: the largest runner makes 250.
  it('passes a threshold that every runner alone would fail', async () => {
    const run = await runFleet({ script: sharedIterations('count>900'), env: { TARGET: target().url } });
    runs.push(run);
    const perRunnerMax = Math.max(...run.plan.runners.map((r) => Math.ceil(1000 * r.share)));
    expect(perRunnerMax).toBeLessThan(900);
    expect(run.summary.metrics.http_reqs?.thresholds).toEqual({ 'count>900': { ok: true } });
    expect(run.summary.fleet.exitCode).toBe(0);
  });

  it('fails with exit 99 when the fleet total misses it', async () => {
    const run = await runFleet({ script: sharedIterations('count>1000'), env: { TARGET: target().url } });
    runs.push(run);
    expect(run.summary.metrics.http_reqs?.thresholds).toEqual({ 'count>1000': { ok: false } });
    expect(run.summary.fleet.verdict).toBe('thresholds-failed');
    expect(run.summary.fleet.exitCode).toBe(99);
    expect(run.summary.fleet.failedThresholds).toEqual([
      expect.objectContaining({ metric: 'http_reqs', expr: 'count>1000' }),
    ]);
  });
});
