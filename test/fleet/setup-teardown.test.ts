import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { useTarget } from '../support/target';

const target = useTarget();
let run: FleetRun | undefined;
afterAll(async () => {
  await cleanup(run);
});

describe('setup() once, teardown() once', () => {
  it('runs setup on one runner, shares its data with every runner, and tears down once at the end', async () => {
    // Prepare: setup logs in (one POST /login), every iteration checks it sees the token,
    // teardown calls /health once. Each runner tags its checks with its own runner id.
    const script = `
import http from 'k6/http';
import { check } from 'k6';
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 12, iterations: 5 } } };
export function setup() {
  const res = http.post(__ENV.TARGET + '/login', '{}');
  return { token: res.json('token'), made: Date.now() };
}
export default function (data) {
  check(data, { 'got setup data': (d) => typeof d.token === 'string' && d.token.length > 0 });
  http.get(__ENV.TARGET + '/api/items/3');
}
export function teardown(data) { http.get(__ENV.TARGET + '/health?token=' + data.token); }
`;
    target().resetStats();
    // Act
    run = await runFleet({ script, env: { TARGET: target().url } });
    // Assess
    const stats = target().stats();
    expect(stats.byRoute['/login']).toBe(1);
    expect(stats.byRoute['/health']).toBe(1);
    expect(run.summary.checks).toEqual([{ name: 'got setup data', passes: 60, fails: 0 }]);
    // Every runner ran its share of iterations (12 VUs × 5, split 3/3/2/2/1/1 VUs).
    expect(run.summary.metrics.iterations?.values.count).toBe(60);
    expect(run.summary.fleet.runners.every((r) => r.outcome === 'finished')).toBe(true);
    expect(run.summary.fleet.exitCode).toBe(0);
  });
});
