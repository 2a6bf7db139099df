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
    // 60 ms fixed latency: the merged histogram's p95 is within its 0.5% bucket error of it (59.7…).
    expect(jump?.message).toMatch(/^p95 latency (59|6\d)\.\d ms, over twice its baseline of \d+\.\d ms$/);
    expect(jump!.at).toBeGreaterThanOrEqual(slowedAt! - 1000);
  });
});
