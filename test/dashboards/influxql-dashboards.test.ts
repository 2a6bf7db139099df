import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../functions/adapters/grafana/dashboard-set';
import { InfluxDbSink } from '../../functions/adapters/sinks';
import { intervalRecord, rollupPoint, summaryFixture } from '../sinks/fixtures';
import { type InfluxDbServer, startInfluxDb } from '../support/influxdb';
import { metricsQueries } from './dashboard-queries';

/**
 * Every InfluxQL query of the generated dashboards, run by a real influxd on data the
 * InfluxDB sink wrote: each must parse and return rows (a misspelt name returns nothing).
 */
let influx: InfluxDbServer;
const T0 = 1_700_000_000_000;

beforeAll(async () => {
  influx = await startInfluxDb();
  await influx.query('CREATE DATABASE k6');
  const sink = new InfluxDbSink({
    url: influx.url,
    database: 'k6',
    delivery: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  for (const runId of ['run-1', 'run-2']) {
    const start = runId === 'run-1' ? T0 : T0 + 120_000;
    await sink.writeEvent(runId, 'checkout', { at: start, kind: 'start', text: 'run started' });
    for (let seq = 0; seq < 5; seq++) {
      await sink.writeIntervals(
        [
          intervalRecord({ runId, runnerId: 'r0', region: 'eu-west-1', seq, startMs: start }),
          intervalRecord({ runId, runnerId: 'r1', region: 'us-east-1', seq, startMs: start }),
        ],
        'checkout',
      );
      await sink.writeRollup(
        runId,
        'checkout',
        rollupPoint(start + (seq + 1) * 2000, (seq + 1) * 2000, ['eu-west-1', 'us-east-1']),
      );
      await sink.writeThresholds(runId, 'checkout', start + (seq + 1) * 2000, [
        { metric: 'http_req_duration', expr: 'p(95)<500', ok: true, abortOnFail: false, value: 41.5 },
      ]);
    }
    await sink.writeSummary(summaryFixture(runId, 'checkout', start, runId === 'run-1' ? 41 : 44));
  }
  await sink.flush();
  expect(sink.stats().dropped).toBe(0);
});

afterAll(async () => {
  await influx?.stop();
});

/** What Grafana substitutes before sending a query. */
function interpolate(text: string): string {
  return text
    .replaceAll('$timeFilter', `time >= ${T0 - 10_000}ms AND time <= ${T0 + 300_000}ms`)
    .replaceAll('$__interval', '2s')
    .replaceAll(`$\{region:regex}`, '(eu\\-west\\-1|us\\-east\\-1)')
    .replaceAll('$runId', 'run-1')
    .replaceAll('$runA', 'run-1')
    .replaceAll('$runB', 'run-2')
    .replaceAll('$testName', 'checkout');
}

describe('InfluxQL dashboards on real data', () => {
  for (const name of ['live', 'compare', 'history'] as const) {
    it(`${name}: every query runs and returns rows`, async () => {
      // Prepare
      const queries = metricsQueries('influxdb', buildDashboards('influxdb')[name]);
      const empty: string[] = [];
      // Act
      for (const q of queries) {
        const text = interpolate(q.text);
        expect(text, q.where).not.toMatch(/\$[A-Za-z_{]/);
        const res = await influx.query(text, 'k6');
        const r = res.results[0];
        expect(r?.error, `${q.where}: ${text}`).toBeUndefined();
        const rows = (r?.series ?? []).reduce((n, s) => n + s.values.length, 0);
        if (rows === 0) empty.push(`${q.where}: ${text}`);
      }
      // Assess
      expect(empty).toEqual([]);
      expect(queries.length).toBeGreaterThan(name === 'live' ? 20 : 4);
    });
  }

  it('the data-rate panel sums runners: bytes/s equals both runners’ counter deltas over time', async () => {
    // Prepare
    const q = metricsQueries('influxdb', buildDashboards('influxdb').live).find((x) =>
      x.where.includes('Data sent'),
    )!;
    // Act
    const res = await influx.query(interpolate(q.text).replace('2s', '10s'), 'k6');
    // Assess: each runner sends 100 req × 120 B every 2 s = 6000 B/s; two runners → 12000 B/s
    const values = res.results[0]!.series![0]!.values.map((v) => v[1]).filter((v) => v !== null);
    expect(values).toContain(12_000);
  });
});
