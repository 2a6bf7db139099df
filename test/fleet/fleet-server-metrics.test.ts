import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HistoryRecordV2Schema, historyKey, ServerWindowSchema } from '../../functions/contracts';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { useTarget } from '../support/target';

// 4 connections × 20 ms per query: the pool serves 200 requests/s; past 4 busy VUs, requests queue.
const target = useTarget({
  database: { poolSize: 4 },
  routes: { '/q': { latency: { kind: 'fixed', ms: 0 }, dbQuery: { kind: 'fixed', ms: 20 } } },
});

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

let run: FleetRun | undefined;
afterAll(() => cleanup(run));

describe('server metrics in a local fleet run', () => {
  it('finds the saturated pool as the top correlate of p95 latency; a dead source is counted, not fatal', async () => {
    // Prepare: closed-loop VUs in plateaus 1, 4, 8, 16, 1: latency ≈ 20 ms × VUs / 4 once the pool is full.
    // From 4 VUs on, throughput (acquisitions, requests) is flat at the pool's 200/s while the queue and
    // latency keep climbing: only then does the queue beat plain load series (which a two-level
    // low/high ramp cannot tell apart).
    const metricsUrl = `${target().url}/metrics`;
    const deadUrl = `http://127.0.0.1:${await closedPort()}/metrics`;
    target().resetStats();

    // Act
    run = await runFleet({
      script: `
import http from 'k6/http';
export const options = {
  scenarios: { ramp: { executor: 'ramping-vus', startVUs: 1, gracefulRampDown: '1s',
    stages: [{ duration: '3s', target: 1 }, { duration: '1s', target: 4 }, { duration: '3s', target: 4 },
      { duration: '1s', target: 8 }, { duration: '3s', target: 8 }, { duration: '1s', target: 16 },
      { duration: '3s', target: 16 }, { duration: '1s', target: 1 }, { duration: '2s', target: 1 }] } },
};
export default function () { http.get(__ENV.TARGET + '/q'); }
`,
      env: { TARGET: target().url },
      regions: [{ name: 'local', weight: 100 }],
      runnersPerRegion: 2,
      input: {
        serverMetrics: [
          { kind: 'prometheus', url: metricsUrl, select: { names: ['app_*', 'process_*'] } },
          { kind: 'prometheus', url: deadUrl, optional: true },
        ],
      },
    });

    // Assess: the pool's queue (or its held connections) leads the ranking for p95, strongly.
    const { summary } = run;
    const forP95 = (summary.fleet.correlations ?? []).filter((c) => c.metric === 'http_req_duration p(95)');
    if (process.env.K6_FLEET_SHOW) console.log(JSON.stringify(summary.fleet.correlations?.slice(0, 8)));
    expect(forP95.length).toBeGreaterThan(0);
    expect(forP95[0]!.series).toMatch(/^(rate\()?app_db_pool_(waiting|in_use|wait_seconds_total)\b/);
    expect(Math.abs(forP95[0]!.r)).toBeGreaterThanOrEqual(0.7);
    expect(forP95[0]!.windows).toBeGreaterThanOrEqual(8);
    // The pool size never moves: it is not ranked against anything.
    expect((summary.fleet.correlations ?? []).map((c) => c.series)).not.toContain('app_db_pool_size');

    // Assess: the dead source failed every window and was counted; the load ran regardless.
    const sources = summary.fleet.server?.sources ?? [];
    const dead = sources.find((s) => s.source === deadUrl)!;
    const live = sources.find((s) => s.source === metricsUrl)!;
    expect(dead.failures).toBe(dead.scrapes);
    expect(dead.failures).toBeGreaterThanOrEqual(8);
    expect(dead.lastError).toMatch(/ECONNREFUSED/);
    expect(live.failures).toBe(0);
    expect(summary.fleet.verdict).toBe('passed');
    expect(summary.metrics.http_req_failed?.values.rate).toBe(0);
    expect(summary.metrics.http_reqs?.values.count).toBe(target().stats().requests);

    // Assess: one server record per window read, in the run store, with the failure named.
    const dir = join(run.storeRoot, 'runs', run.plan.runId, 'server');
    const files = await readdir(dir);
    expect(files.length).toBe(live.scrapes);
    const first = ServerWindowSchema.parse(JSON.parse(await readFile(join(dir, files[1]!), 'utf8')));
    expect(first.failures).toEqual([{ source: deadUrl, error: dead.lastError }]);
    expect(first.samples.map((s) => s.series)).toContain('app_db_pool_waiting');
    // The history record keeps the server side, so that a later compare can show it.
    const history = HistoryRecordV2Schema.parse(
      JSON.parse(await readFile(join(run.storeRoot, historyKey(run.plan.testName, run.plan.runId)), 'utf8')),
    );
    const waiting = history.server?.series.find((s) => s.series === 'app_db_pool_waiting');
    expect(waiting?.max).toBeGreaterThanOrEqual(8);
    expect(waiting?.windows).toBe(live.scrapes);
    expect(history.server?.correlations[0]).toEqual(summary.fleet.correlations?.[0]);
    // The live status showed the server side while the run went on.
    expect(run.statuses.some((s) => (s.server?.top.length ?? 0) > 0)).toBe(true);
  });
});
