import { afterAll, describe, expect, it } from 'vitest';
import { LocalRunStore } from '../../functions/adapters/store/local-run-store';
import { getJson } from '../../functions/adapters/store/run-store';
import { type RunnerResult, RunnerResultSchema, runKeys } from '../../functions/contracts';
import { cleanup, exactPercentile, type FleetRun, jsonSamples, runFleet } from '../support/fleet';
import { useTarget } from '../support/target';

// One "route" (name:bimodal) with two latency modes: every 8th iteration of a VU goes to the
// slow backend (300–400 ms, far above a loaded machine's fast answers), so 1/8 of the samples are slow and p(95) lies in the slow mode while p(80)
// lies in the fast one. Thresholds on submetrics (tag filters) must see exactly those samples.
const target = useTarget({
  routes: {
    '/fast': { latency: { kind: 'fixed', ms: 1 } },
    '/slow': { latency: { kind: 'uniform', minMs: 300, maxMs: 400 } },
  },
});
const ITERATIONS = 800;
const script = `
import http from 'k6/http';
import { check } from 'k6';
export const options = {
  scenarios: { s: { executor: 'shared-iterations', vus: 12, iterations: ${ITERATIONS} } },
  thresholds: {
    'http_req_duration{name:bimodal}': ['p(95)>250', 'p(80)<200'],
    'http_reqs{status:200}': ['count==${ITERATIONS}'],
    'checks{check:ok}': ['rate==1'],
  },
};
export default function () {
  const path = __ITER % 8 === 0 ? '/slow' : '/fast';
  const res = http.get(__ENV.TARGET + path, { tags: { name: 'bimodal' } });
  check(res, { ok: (r) => r.status === 200 });
}
`;

const runs: FleetRun[] = [];
afterAll(async () => {
  await Promise.all(runs.map(cleanup));
});

async function results(run: FleetRun): Promise<RunnerResult[]> {
  const store = new LocalRunStore(run.storeRoot);
  const keys = runKeys(run.plan.runId);
  return Promise.all(
    run.plan.runners.map(
      async (r) => (await getJson(store, keys.result(r.runnerId), (v) => RunnerResultSchema.parse(v)))!,
    ),
  );
}

async function assessFidelity(run: FleetRun): Promise<void> {
  const m = run.summary.metrics;
  expect(m.iterations?.values.count).toBe(ITERATIONS);
  expect(m.http_reqs?.values.count).toBe(ITERATIONS);
  expect(m['http_reqs{status:200}']?.thresholds).toEqual({ [`count==${ITERATIONS}`]: { ok: true } });
  expect(m['checks{check:ok}']?.thresholds).toEqual({ 'rate==1': { ok: true } });
  expect(
    m['http_req_duration{name:bimodal}']?.thresholds,
    JSON.stringify(m['http_req_duration{name:bimodal}']?.values),
  ).toEqual({
    'p(95)>250': { ok: true },
    'p(80)<200': { ok: true },
  });
  expect(run.summary.fleet.verdict).toBe('passed');
  expect(run.summary.fleet.exitCode).toBe(0);
  // p(95) of the submetric, from merged histograms, against the exact one of every raw sample.
  const exact = await jsonSamples(run, 'samples.json', 'http_req_duration');
  expect(exact).toHaveLength(ITERATIONS);
  const p95 = m['http_req_duration{name:bimodal}']?.values['p(95)'] ?? 0;
  const want = exactPercentile(exact, 95);
  expect(want).toBeGreaterThan(250);
  expect(Math.abs(p95 - want) / want, `p(95) ${p95} vs exact ${want}`).toBeLessThan(0.02);
}

describe('metrics through the fleet output (k6 extension)', () => {
  it('is what runners use with the built k6, and keeps totals, submetric thresholds and p(95) exact', async () => {
    target().resetStats();
    const run = await runFleet({
      script,
      env: { TARGET: target().url },
      extraOutputs: ['json=samples.json'],
    });
    runs.push(run);
    expect((await results(run)).map((r) => r.metricsOutput)).toEqual(run.plan.runners.map(() => 'fleet'));
    expect(target().stats().requests).toBe(ITERATIONS);
    await assessFidelity(run);
  });

  it('falls back to OTLP (a k6 without the extension) with the same results', async () => {
    const run = await runFleet({
      script,
      env: { TARGET: target().url },
      extraOutputs: ['json=samples.json'],
      metricsOutput: 'otlp',
      runnersPerRegion: 1,
    });
    runs.push(run);
    expect((await results(run)).map((r) => r.metricsOutput)).toEqual(run.plan.runners.map(() => 'otlp'));
    await assessFidelity(run);
  });
});
