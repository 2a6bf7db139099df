import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { useTarget } from '../support/target';

const target = useTarget();
let run: FleetRun | undefined;
afterAll(async () => {
  await cleanup(run);
});

describe('abortOnFail across the fleet', () => {
  it('stops every runner within 10 s after the target starts failing mid-run', async () => {
    // Prepare: a 40 s test (24 VUs: every runner gets some); 4 s after the start the
    // target fails every request.
    let failingSince: number | undefined;
    const script = `
import http from 'k6/http';
import { sleep } from 'k6';
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: 24, duration: '40s' } },
  thresholds: { http_req_failed: [{ threshold: 'rate<0.2', abortOnFail: true }] },
};
export default function () { http.get(__ENV.TARGET + '/api/a'); sleep(0.1); }
`;
    // Act
    run = await runFleet({
      script,
      env: { TARGET: target().url },
      onStatus: (s) => {
        if (failingSince === undefined && s.startAt !== undefined && Date.now() > s.startAt + 4000) {
          target().patchRoute('/api/*', { errorRate: 1 });
          failingSince = Date.now();
        }
      },
    });
    // Assess: the last request reached the target less than 10 s after it started failing.
    expect(failingSince).toBeDefined();
    const lastRequestAt = target().stats().lastRequestAt ?? 0;
    expect(lastRequestAt - failingSince!).toBeLessThan(10_000);
    const f = run.summary.fleet;
    expect(f.verdict).toBe('thresholds-failed');
    expect(f.exitCode).toBe(99);
    expect(f.abort?.source).toBe('threshold');
    expect(f.abort?.threshold).toEqual({ metric: 'http_req_failed', expr: 'rate<0.2' });
    expect(f.abort?.reason).toMatch(/rate<0\.2.*http_req_failed.*at \d+\.\d s/);
    expect(f.abort!.at - failingSince!).toBeLessThan(10_000);
    expect(f.runners.map((r) => r.outcome)).toEqual(Array(6).fill('aborted'));
    expect(run.summary.state.testRunDurationMs).toBeLessThan(20_000);
  });
});
