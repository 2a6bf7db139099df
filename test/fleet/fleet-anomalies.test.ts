import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { useTarget } from '../support/target';

const target = useTarget();
let run: FleetRun | undefined;
afterAll(async () => {
  await cleanup(run);
});

describe('insight during the run', () => {
  it('reports a latency jump in the live status and the summary when the target slows down mid-run', async () => {
    // Prepare: 12 s of steady load; 7 s in, every request takes 60 ms.
    let slowedAt: number | undefined;
    let seenLive = false;
    // Act
    run = await runFleet({
      script: `
import http from 'k6/http';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 8, duration: '12s' } } };
export default function () { http.get(__ENV.TARGET + '/api/slow-later'); }
`,
      env: { TARGET: target().url },
      regions: [
        { name: 'eu-west-1', weight: 50 },
        { name: 'us-east-1', weight: 50 },
      ],
      runnersPerRegion: 1,
      onStatus: (s) => {
        if (slowedAt === undefined && s.startAt !== undefined && Date.now() > s.startAt + 7000) {
          target().patchRoute('/api/*', { latency: { kind: 'fixed', ms: 60 } });
          slowedAt = Date.now();
        }
        if (s.anomalies?.some((a) => a.kind === 'latency-jump')) seenLive = true;
      },
    });
    // Assess
    expect(run.summary.fleet.verdict, JSON.stringify(run.summary.fleet.runners)).toBe('passed');
    expect(seenLive).toBe(true);
    const jump = run.summary.fleet.anomalies.find((a) => a.kind === 'latency-jump' && a.region === undefined);
    // The window that sees the jump may still hold some fast requests: its p95 is near the
    // fixed 60 ms (at most that, plus the histogram's 0.5%), and over twice the baseline.
    const m = /^p95 latency (\d+\.\d) ms, over twice its baseline of (\d+\.\d) ms$/.exec(jump?.message ?? '');
    expect(m, jump?.message).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(2 * Number(m![2]));
    expect(Number(m![1])).toBeGreaterThan(30);
    expect(Number(m![1])).toBeLessThan(70);
    expect(jump!.at).toBeGreaterThanOrEqual(slowedAt! - 1000);
  });
});
