import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTargetServer, type TargetServer } from '../../target/server';
import { cleanup, exactPercentile, type FleetRun, jsonSamples, runFleet } from '../support/fleet';

let target: TargetServer;
let run: FleetRun | undefined;
beforeAll(async () => {
  // A wide latency spread makes percentile errors visible.
  target = await startTargetServer({
    port: 0,
    profile: { routes: { '/api/*': { latency: { kind: 'lognormal', medianMs: 4, sigma: 0.8 } } } },
  });
});
afterAll(async () => {
  await target.close();
  await cleanup(run);
});

describe('global percentiles from merged histograms', () => {
  it('are within 1% of the exact percentiles of the same samples', async () => {
    // Prepare / Act: every runner also writes its raw samples with k6's JSON output.
    run = await runFleet({
      script: `
import http from 'k6/http';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 18, duration: '5s' } } };
export default function () { http.get(__ENV.TARGET + '/api/p'); }
`,
      env: { TARGET: target.url },
      extraOutputs: ['json=samples.json'],
    });
    // Assess
    const exact = await jsonSamples(run, 'samples.json', 'http_req_duration');
    const values = run.summary.metrics.http_req_duration?.values ?? {};
    expect(exact.length).toBeGreaterThan(2000);
    expect(exact.length).toBe(run.summary.metrics.http_reqs?.values.count);
    for (const [stat, p] of [
      ['med', 50],
      ['p(90)', 90],
      ['p(95)', 95],
    ] as const) {
      const want = exactPercentile(exact, p);
      expect(
        Math.abs((values[stat] ?? 0) - want) / want,
        `${stat}: ${values[stat]} vs exact ${want}`,
      ).toBeLessThan(0.01);
    }
    expect(values.min).toBeCloseTo(Math.min(...exact), 6);
    expect(values.max).toBeCloseTo(Math.max(...exact), 6);
    expect(values.avg).toBeCloseTo(exact.reduce((a, b) => a + b, 0) / exact.length, 3);
  });
});
