import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSink } from '../../functions/adapters/sinks/create-sink';
import { startTargetServer, type TargetServer } from '../../target/server';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { type PrometheusServer, scalarOf, startPrometheus } from '../support/prometheus';

let target: TargetServer;
let prom: PrometheusServer;
let run: FleetRun | undefined;
beforeAll(async () => {
  target = await startTargetServer({ port: 0 });
  prom = await startPrometheus();
});
afterAll(async () => {
  await target.close();
  await prom.stop();
  await cleanup(run);
});

describe('a local fleet run (2 regions × 2 runners) streaming to a real Prometheus', () => {
  it("PromQL gives the summary's request count and error rate exactly, its p95 within 1%", async () => {
    // Prepare
    const sink = createSink({ kind: 'prometheus', url: prom.writeUrl });
    // Act
    run = await runFleet({
      script: `
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 8, duration: '4s' } } };
export default function () { http.get(__ENV.TARGET + '/flaky'); http.get(__ENV.TARGET + '/api/db'); sleep(0.02); }
`,
      env: { TARGET: target.url },
      regions: [
        { name: 'us-east-1', weight: 60 },
        { name: 'eu-west-1', weight: 40 },
      ],
      runnersPerRegion: 2,
      sink,
    });
    // Assess
    // A little ahead: the last rollup window ends up to one interval after the last record.
    const at = Date.now() + 30_000;
    const sel = `run_id="${run.plan.runId}",runner!=""`;
    const m = run.summary.metrics;
    const reqs = m.http_reqs?.values.count ?? -1;
    expect(reqs).toBeGreaterThan(100);
    expect(scalarOf(await prom.query(`sum(max_over_time(k6_http_reqs_total{${sel}}[1h]))`, at))).toBe(reqs);
    // The four runners all reported, under their own labels.
    const runners = await prom.query(
      `count by (region) (sum by (region, runner) (max_over_time(k6_http_reqs_total{${sel}}[1h])))`,
      at,
    );
    expect(runners.data?.result.map((r) => [r.metric.region, r.value?.[1]]).sort()).toEqual([
      ['eu-west-1', '2'],
      ['us-east-1', '2'],
    ]);
    const failed = scalarOf(
      await prom.query(`sum(max_over_time(k6_http_req_failed_total{${sel},condition="nonzero"}[1h]))`, at),
    );
    const all = scalarOf(await prom.query(`sum(max_over_time(k6_http_req_failed_total{${sel}}[1h]))`, at));
    expect(all).toBe(reqs);
    expect(failed).toBeGreaterThan(0);
    expect(failed / all).toBe(m.http_req_failed?.values.rate);
    const p95 = scalarOf(
      await prom.query(`histogram_quantile(0.95, sum(k6_http_req_duration_seconds{${sel}}))`, at),
    );
    const summaryP95 = (m.http_req_duration?.values['p(95)'] ?? Number.NaN) / 1000;
    expect(Math.abs(p95 - summaryP95) / summaryP95).toBeLessThan(0.01);
    // Fleet rollups (no runner label) add up to the same count; the run point has the p95.
    expect(
      scalarOf(
        await prom.query(
          `max_over_time(k6_http_reqs_total{run_id="${run.plan.runId}",scope="global"}[1h])`,
          at,
        ),
      ),
    ).toBe(reqs);
    expect(run.summary.fleet.sinks?.prometheus?.dropped).toBe(0);
  });
});
