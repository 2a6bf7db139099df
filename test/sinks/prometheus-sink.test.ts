import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSink } from '../../functions/adapters/sinks/create-sink';
import type { SinkLog } from '../../functions/adapters/sinks/delivery-queue';
import { PrometheusSink } from '../../functions/adapters/sinks/prometheus-sink';
import type { IntervalRecord } from '../../functions/contracts';
import { mergeHistograms } from '../../functions/core/histogram/exp-histogram';
import { histogramQuantile } from '../../functions/core/histogram/histogram-quantile';
import { type PrometheusServer, scalarOf, startPrometheus } from '../support/prometheus';
import { intervalRecord, rollupPoint, summaryFixture } from './fixtures';

let prom: PrometheusServer;
beforeAll(async () => {
  prom = await startPrometheus();
});
afterAll(async () => {
  await prom.stop();
});

const fast = { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 };

/** Two runners × three intervals of one run, a few minutes ago. */
function records(runId: string, startMs: number): IntervalRecord[] {
  const out: IntervalRecord[] = [];
  for (const [region, runnerId] of [
    ['eu-west-1', 'r0'],
    ['us-east-1', 'r1'],
  ] as const) {
    for (let seq = 0; seq < 3; seq++) {
      out.push(
        intervalRecord({ runId, region, runnerId, seq, startMs, requests: 100 + seq * 10, failed: seq }),
      );
    }
  }
  return out.sort((a, b) => a.endMs - b.endMs);
}

const total = (recs: IntervalRecord[], metric: string) =>
  recs
    .flatMap((r) => r.series)
    .reduce((a, s) => a + (s.metric === metric && s.type === 'counter' ? s.value : 0), 0);

describe('PrometheusSink against a real Prometheus (remote write, native histograms)', () => {
  it('writes cumulative counters and native histograms that PromQL reads back exactly', async () => {
    // Prepare
    const runId = 'prom-exact';
    const startMs = Date.now() - 5 * 60_000;
    const recs = records(runId, startMs);
    const sink = createSink({ kind: 'prometheus', url: prom.writeUrl }, { delivery: fast });
    // Act
    await sink.writeIntervals(recs, 'prom-test');
    await sink.writeRollup(runId, 'prom-test', rollupPoint(startMs + 2000, 2000, ['eu-west-1', 'us-east-1']));
    await sink.writeEvent(runId, 'prom-test', { at: startMs, kind: 'start', text: 'prom-test starts' });
    await sink.writeSummary(summaryFixture(runId, 'prom-test', startMs, 41.5));
    await sink.flush();
    // Assess: the query gives the run's request count exactly.
    const at = startMs + 10_000;
    const sel = `run_id="${runId}",runner!=""`;
    expect(scalarOf(await prom.query(`sum(max_over_time(k6_http_reqs_total{${sel}}[1h]))`, at))).toBe(
      total(recs, 'http_reqs'),
    );
    // Error rate from the exact Rate counters.
    const failed = recs
      .flatMap((r) => r.series)
      .reduce((a, s) => a + (s.type === 'rate' && s.metric === 'http_req_failed' ? s.nonzero : 0), 0);
    const rate = scalarOf(
      await prom.query(
        `sum(max_over_time(k6_http_req_failed_total{${sel},condition="nonzero"}[1h])) / sum(max_over_time(k6_http_req_failed_total{${sel}}[1h]))`,
        at,
      ),
    );
    expect(rate).toBeCloseTo(failed / total(recs, 'http_reqs'), 12);
    // p95 of the merged native histograms vs our own merge, within 1%. (Prometheus 2.42 has
    // no last_over_time for histograms: an instant selector takes each runner's latest.)
    const merged = recs
      .flatMap((r) => r.series)
      .filter((s) => s.type === 'trend' && s.metric === 'http_req_duration')
      .map((s) => (s.type === 'trend' ? s.hist : null)!)
      .reduce((a, b) => mergeHistograms(a, b));
    const p95 = scalarOf(
      await prom.query(`histogram_quantile(0.95, sum(k6_http_req_duration_seconds{${sel}}))`, at),
    );
    const ours = histogramQuantile(merged, 0.95)! / 1000;
    expect(Math.abs(p95 - ours) / ours).toBeLessThan(0.01);
    expect(scalarOf(await prom.query(`histogram_count(sum(k6_http_req_duration_seconds{${sel}}))`, at))).toBe(
      merged.count,
    );
    // Rollups are told apart by labels: no runner, a scope.
    expect(
      scalarOf(
        await prom.query(`sum(max_over_time(k6_http_reqs_total{run_id="${runId}",scope="region"}[1h]))`, at),
      ),
    ).toBe(400);
    expect(
      scalarOf(await prom.query(`k6_rollup_p95_seconds{run_id="${runId}",scope="global"}`, at)),
    ).toBeCloseTo(0.0415, 9);
    // Events are series Grafana annotates from; the run point carries the summary.
    const ev = await prom.query(`k6_event{run_id="${runId}"}`, startMs + 1000);
    expect(ev.data?.result[0]?.metric).toMatchObject({ kind: 'start', text: 'prom-test starts' });
    expect(scalarOf(await prom.query(`k6_run_p95_seconds{run_id="${runId}"}`, startMs + 1000))).toBeCloseTo(
      0.0415,
      9,
    );
    expect(sink.stats()).toMatchObject({ dropped: 0, spooled: 0 });
  });

  it('a re-send of the same records is idempotent (same cumulative values, same timestamps)', async () => {
    // Prepare
    const runId = 'prom-replay';
    const startMs = Date.now() - 8 * 60_000;
    const recs = records(runId, startMs);
    const first = new PrometheusSink({ url: prom.writeUrl, delivery: fast });
    await first.writeIntervals(recs, 'prom-test');
    await first.flush();
    // Act: a fresh sink (as `replay` makes) sends everything again.
    const again = new PrometheusSink({ url: prom.writeUrl, delivery: fast });
    await again.writeIntervals(recs, 'prom-test');
    await again.flush();
    // Assess
    const at = startMs + 10_000;
    expect(
      scalarOf(
        await prom.query(`sum(max_over_time(k6_http_reqs_total{run_id="${runId}",runner!=""}[1h]))`, at),
      ),
    ).toBe(total(recs, 'http_reqs'));
    expect(
      scalarOf(
        await prom.query(`sum(count_over_time(k6_http_reqs_total{run_id="${runId}",runner!=""}[1h]))`, at),
      ),
    ).toBe(6);
    expect(first.stats().dropped).toBe(0);
  });
});

describe('PrometheusSink across processes (a stateless watcher tick per Lambda invocation)', () => {
  it('continues the cumulative counters from the state the previous tick exported', async () => {
    // Prepare
    const runId = 'prom-ticks';
    const recs = records(runId, Date.now() - 4 * 60_000);
    const first = new PrometheusSink({ url: prom.writeUrl, delivery: fast });
    await first.writeIntervals(recs.slice(0, 3), 't');
    await first.flush();
    // The watch state is JSON in the run store.
    const stored: unknown = JSON.parse(JSON.stringify(first.exportRunState(runId)));
    // Act: a cold-started sink continues the run.
    const second = new PrometheusSink({ url: prom.writeUrl, delivery: fast });
    second.importRunState(runId, stored);
    await second.writeIntervals(recs.slice(3), 't');
    await second.flush();
    // Assess
    const sel = `run_id="${runId}",runner!=""`;
    const at = Date.now();
    expect(scalarOf(await prom.query(`sum(max_over_time(k6_http_reqs_total{${sel}}[1h]))`, at))).toBe(
      total(recs, 'http_reqs'),
    );
    expect(scalarOf(await prom.query(`histogram_count(sum(k6_http_req_duration_seconds{${sel}}))`, at))).toBe(
      recs.reduce(
        (a, r) =>
          a +
          r.series.reduce(
            (b, s) => b + (s.type === 'trend' && s.metric === 'http_req_duration' ? s.hist.count : 0),
            0,
          ),
        0,
      ),
    );
    expect(second.stats().dropped).toBe(0);
  });
});

describe('PrometheusSink delivery faults', () => {
  let server: Server;
  let url = '';
  let requests = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end('out of order sample');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('reports a 4xx once, with its message, and counts every refused series as dropped', async () => {
    // Prepare
    const logs: Parameters<SinkLog>[] = [];
    const sink = new PrometheusSink({
      url,
      maxBatchSeries: 5,
      delivery: { ...fast, log: (...a) => logs.push(a) },
    });
    // Act
    await sink.writeIntervals(records('prom-4xx', Date.now() - 60_000), 't');
    await sink.flush();
    // Assess
    expect(requests).toBeGreaterThan(3);
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs[0])).toContain('HTTP 400 out of order sample');
    expect(sink.stats().written).toBe(0);
    expect(sink.stats().dropped).toBeGreaterThan(20);
  });

  it('an unreachable endpoint never blocks: bounded retries, every series counted as dropped', async () => {
    // Prepare: a port nobody listens on.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const sink = new PrometheusSink({
      url: `http://127.0.0.1:${port}/api/v1/write`,
      delivery: { ...fast, log: () => {} },
    });
    // Act
    await sink.writeIntervals(records('prom-down', Date.now() - 60_000), 't');
    await sink.flush();
    // Assess
    const s = sink.stats();
    expect(s.written).toBe(0);
    expect(s.dropped).toBeGreaterThan(0);
    expect(s.retried).toBeGreaterThan(0);
    expect(s.spooled).toBe(0);
  });
});
