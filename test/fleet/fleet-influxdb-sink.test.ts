import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSink } from '../../functions/adapters/sinks/create-sink';
import { MEASURE } from '../../functions/adapters/sinks/schema';
import { LocalRunStore } from '../../functions/adapters/store/local-run-store';
import { loadTimeline } from '../../functions/engine/finalizer/finalize-run';
import { startTargetServer, type TargetServer } from '../../target/server';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { type InfluxDbServer, startInfluxDb } from '../support/influxdb';

let target: TargetServer;
let influx: InfluxDbServer;
let run: FleetRun | undefined;
beforeAll(async () => {
  target = await startTargetServer({ port: 0 });
  influx = await startInfluxDb();
  await influx.query('CREATE DATABASE k6');
});
afterAll(async () => {
  await target.close();
  await influx.stop();
  await cleanup(run);
});

const single = (res: Awaited<ReturnType<InfluxDbServer['query']>>) =>
  res.results[0]?.series?.[0]?.values ?? [];

describe('a local fleet run streaming to a real InfluxDB', () => {
  it('writes series that InfluxQL reads back with the summary counts and p95', async () => {
    // Prepare
    const sink = createSink({ kind: 'influxdb', url: influx.url, database: 'k6' });
    // Act
    run = await runFleet({
      script: `
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 12, duration: '5s' } } };
export default function () { http.get(__ENV.TARGET + '/api/db'); sleep(0.02); }
`,
      env: { TARGET: target.url },
      sink,
    });
    const id = run.plan.runId;
    // Assess: per-runner deltas add up to the fleet total.
    const reqs = single(
      await influx.query(
        `SELECT sum("count") FROM "${MEASURE.series}" WHERE "metric"='http_reqs' AND "run_id"='${id}'`,
        'k6',
      ),
    );
    expect(reqs[0]?.[1]).toBe(run.summary.metrics.http_reqs?.values.count);
    // The whole-run point carries the summary's p95 (from the merged histogram).
    const runRow = single(
      await influx.query(`SELECT "p95", "requests" FROM "${MEASURE.run}" WHERE "run_id"='${id}'`, 'k6'),
    );
    expect(runRow[0]?.[1]).toBeCloseTo(run.summary.metrics.http_req_duration?.values['p(95)'] ?? -1, 9);
    expect(runRow[0]?.[2]).toBe(run.summary.metrics.http_reqs?.values.count);
    // Each global rollup equals the watcher's timeline point of the same window.
    const timeline = await loadTimeline(new LocalRunStore(run.storeRoot), id);
    const rollups = single(
      await influx.query(
        `SELECT "p95", "requests" FROM "${MEASURE.rollup}" WHERE "run_id"='${id}' AND "scope"='global'`,
        'k6',
      ),
    );
    expect(rollups).toHaveLength(timeline.length);
    rollups.forEach((row, i) => {
      const point = timeline[i]!.global;
      // A window without requests has no p95: the field is simply absent.
      if (point.p95 === null) expect(row[1]).toBeNull();
      else expect(row[1]).toBeCloseTo(point.p95, 9);
      expect(row[2]).toBe(point.requests);
    });
    // Nothing was lost, and the summary says so.
    expect(run.summary.fleet.sinks?.influxdb?.dropped).toBe(0);
    expect(run.summary.fleet.sinks?.influxdb?.written).toBeGreaterThan(rollups.length);
  });
});
