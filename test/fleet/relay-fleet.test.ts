import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type IntervalRecord,
  type RunnerResult,
  runKeys,
  type WindowResult,
} from '../../functions/contracts';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { useTarget } from '../support/target';

const target = useTarget();
let run: FleetRun | undefined;
afterEach(async () => {
  await cleanup(run);
  run = undefined;
});

const TWO_REGIONS = [
  { name: 'us-east-1', weight: 50 },
  { name: 'eu-west-1', weight: 50 },
];

/** A 30 s script: setup logs in once, teardown calls /health once, iterations GET an item. */
const script = (scenario: string) => `
import http from 'k6/http';
export const options = { scenarios: { s: ${scenario} } };
export function setup() { http.post(__ENV.TARGET + '/login', '{}'); return { ok: true }; }
export default function () { http.get(__ENV.TARGET + '/api/items/3'); }
export function teardown() { http.get(__ENV.TARGET + '/health'); }
`;

const readJson = async <T>(path: string) => JSON.parse(await readFile(path, 'utf8')) as T;

/** Every runner's interval records in seq order, its window results and its runner result. */
async function runnerRecords(r: FleetRun) {
  const base = join(r.storeRoot, runKeys(r.plan.runId).prefix);
  return Promise.all(
    r.plan.runners.map(async (a) => {
      const dir = join(base, 'intervals', a.region, a.runnerId);
      const files = (await readdir(dir)).sort();
      const records = await Promise.all(files.map((f) => readJson<IntervalRecord>(join(dir, f))));
      const wdir = join(base, 'windows', a.runnerId);
      const windows = await Promise.all(
        (await readdir(wdir)).sort().map((f) => readJson<WindowResult>(join(wdir, f))),
      );
      const result = await readJson<RunnerResult>(join(base, 'results', `${a.runnerId}.json`));
      return { runnerId: a.runnerId, records, windows, result };
    }),
  );
}

const iterationsIn = (records: IntervalRecord[]) =>
  records
    .flatMap((rec) => rec.series)
    .filter((s) => s.metric === 'iterations' && s.type === 'counter')
    .reduce((sum, s) => sum + (s.type === 'counter' ? s.value : 0), 0);

/** What every relayed run must show: one gap-free series per runner, windows on time. */
async function expectSeamlessRelay(r: FleetRun) {
  const windowCount = r.plan.relay?.windows.length ?? 0;
  expect(windowCount).toBeGreaterThanOrEqual(3);
  expect(r.summary.fleet.windows).toBe(windowCount);
  expect(r.summary.fleet.exitCode, JSON.stringify(r.summary.fleet.runners)).toBe(0);
  const offsets: number[] = [];
  for (const runner of await runnerRecords(r)) {
    // One series: seq 0..n-1 without a gap, the runner result's lastSeq its end.
    expect(runner.records.map((rec) => rec.seq)).toEqual(runner.records.map((_, i) => i));
    expect(runner.result.lastSeq).toBe(runner.records.length - 1);
    expect(runner.result.outcome).toBe('finished');
    expect(runner.windows.map((w) => w.window)).toEqual([...Array(windowCount).keys()]);
    for (const w of runner.windows) {
      expect(w.outcome).toBe('finished');
      // Each window resumed on its boundary on the test timeline: within 50 ms on a quiet
      // machine; the full suite on 2 shared cores has shown 74 and 89 ms, so the test holds
      // every window to 250 ms and their median (below) to 100 ms.
      expect(Math.abs(w.startOffsetMs ?? Number.POSITIVE_INFINITY)).toBeLessThan(250);
      offsets.push(Math.abs(w.startOffsetMs ?? Number.POSITIVE_INFINITY));
      expect(w.boundaryAt).toBe(r.summary.fleet.startAt! + r.plan.relay!.windows[w.window]!.startMs);
      // Every window has data: iterations in the records it wrote.
      const own = runner.records.filter((rec) => rec.seq >= w.firstSeq && rec.seq <= w.lastSeq);
      expect(iterationsIn(own)).toBeGreaterThan(0);
    }
  }
  const sorted = offsets.sort((a, b) => a - b);
  expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(100);
  // setup() once at the start, teardown() once at the end, for the whole fleet.
  const stats = target().stats();
  expect(stats.byRoute['/login']).toBe(1);
  expect(stats.byRoute['/health']).toBe(1);
}

describe('relay windows (local, --runner-timeout 12)', () => {
  it('runs a 30 s constant-arrival-rate test as seamless windows with the iterations of one k6 run', async () => {
    // Prepare: 10 iterations/s for 30 s is what one `k6 run` of this script starts: 300.
    target().resetStats();
    // Act
    run = await runFleet({
      script: script(
        `{ executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '30s', preAllocatedVUs: 4, gracefulStop: '1s' }`,
      ),
      env: { TARGET: target().url },
      regions: TWO_REGIONS,
      runnersPerRegion: 1,
      runnerTimeoutSeconds: 12,
    });
    // Assess
    await expectSeamlessRelay(run);
    expect(Math.abs((run.summary.metrics.iterations?.values.count ?? 0) - 300)).toBeLessThanOrEqual(2);
    expect(Math.abs((target().stats().byRoute['/api/items/*'] ?? 0) - 300)).toBeLessThanOrEqual(2);
  }, 90_000);

  it('relays ramping-vus: the VUs at each boundary are the stages', async () => {
    // Prepare: 1 → 4 VUs over 10 s, 4 for 10 s, 4 → 2 over 10 s (every window keeps a VU per runner).
    target().resetStats();
    const stages = `[{ duration: '10s', target: 4 }, { duration: '10s', target: 4 }, { duration: '10s', target: 2 }]`;
    // Act
    run = await runFleet({
      script: script(
        `{ executor: 'ramping-vus', startVUs: 1, stages: ${stages}, gracefulStop: '1s', gracefulRampDown: '1s' }`,
      ),
      env: { TARGET: target().url },
      regions: TWO_REGIONS,
      runnersPerRegion: 1,
      runnerTimeoutSeconds: 12,
    });
    // Assess
    await expectSeamlessRelay(run);
    const vusAt = (t: number) =>
      t <= 10_000 ? 1 + (3 * t) / 10_000 : t <= 20_000 ? 4 : 4 - (2 * (t - 20_000)) / 10_000;
    for (const w of run.plan.relay!.windows) {
      // Each window's k6 starts with the VUs the stages have at its boundary (whole VUs, as
      // k6 steps them: test/planner checks the exact steps), and never past the peak.
      expect(Math.abs(Number(w.scenarios.s!.startVUs) - vusAt(w.startMs))).toBeLessThan(1);
    }
    expect(
      run.summary.metrics.vus_max?.values.max ?? run.summary.metrics.vus_max?.values.value,
    ).toBeLessThanOrEqual(4);
  }, 90_000);

  it('relays ramping-arrival-rate with the iterations of the whole ramp', async () => {
    // Prepare: 2 → 10/s over 10 s, 10/s for 10 s, 10 → 2/s over 10 s: 60 + 100 + 60 = 220 iterations.
    target().resetStats();
    const stages = `[{ duration: '10s', target: 10 }, { duration: '10s', target: 10 }, { duration: '10s', target: 2 }]`;
    // Act
    run = await runFleet({
      script: script(
        `{ executor: 'ramping-arrival-rate', startRate: 2, timeUnit: '1s', stages: ${stages}, preAllocatedVUs: 4, maxVUs: 8, gracefulStop: '1s' }`,
      ),
      env: { TARGET: target().url },
      regions: TWO_REGIONS,
      runnersPerRegion: 1,
      runnerTimeoutSeconds: 12,
    });
    // Assess
    await expectSeamlessRelay(run);
    // Known gap (issue 11 stays open on it): a ramp's hand-over can start one iteration more
    // or fewer than the whole ramp would (measured 224 and 216 of 220 over 6 windows × 2
    // runners, timing-dependent), so this is bounded by one per hand-over, not yet ±2.
    const count = run.summary.metrics.iterations?.values.count ?? 0;
    const handOvers = (run.plan.relay!.windows.length - 1) * run.plan.runners.length;
    expect(Math.abs(count - 220)).toBeLessThanOrEqual(handOvers);
  }, 90_000);

  it('refuses an iteration-based scenario longer than a window before any load (exit 104)', async () => {
    // Act / Assess: 30 s of maxDuration cannot be cut into 12 s invocations.
    await expect(
      runFleet({
        script: script(
          `{ executor: 'shared-iterations', vus: 2, iterations: 100, maxDuration: '30s', gracefulStop: '1s' }`,
        ),
        env: { TARGET: target().url },
        regions: TWO_REGIONS,
        runnersPerRegion: 1,
        runnerTimeoutSeconds: 12,
      }),
    ).rejects.toMatchObject({
      exitCode: 104,
      message: expect.stringMatching(
        /scenario "s" \(shared-iterations\).*use constant-vus .* or constant-arrival-rate/,
      ),
    });
  });
});
