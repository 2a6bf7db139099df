import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import root from '@opentelemetry/otlp-transformer/build/src/generated/root';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../../functions/adapters/otlp/otlp-receiver';
import { KEPT_TAGS, type Series } from '../../functions/contracts/metrics';
import { histogramQuantile } from '../../functions/core/histogram/histogram-quantile';
import { MetricTable } from '../../functions/core/metrics/metric-table';
import { K6_PATH } from '../support/k6-path';

/** k6's Trend percentile: sorted samples, rank q·(n−1), linear between neighbours. */
function exactQuantile(sorted: number[], q: number): number {
  const i = q * (sorted.length - 1);
  const j = sorted[Math.floor(i)]!;
  const k = sorted[Math.ceil(i)]!;
  return j + (k - j) * (i - Math.floor(i));
}

interface JsonPoint {
  metric: string;
  type: string;
  data: { value: number; tags: Record<string, string> };
}

function post(endpoint: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<number> {
  const [host, port] = endpoint.split(':');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port: Number(port),
        method: 'POST',
        path: '/v1/metrics',
        headers: { 'content-type': 'application/x-protobuf', ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface RequestCodec {
  encode(m: object): { finish(): Uint8Array };
}
const Request = (
  root as unknown as {
    opentelemetry: {
      proto: { collector: { metrics: { v1: { ExportMetricsServiceRequest: RequestCodec } } } };
    };
  }
).opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** An OTLP request with one monotonic sum point (temporality 1 = delta, 2 = cumulative). */
function sumRequest(
  name: string,
  value: number,
  temporality: 1 | 2,
  attrs: Record<string, string> = {},
): Uint8Array {
  const attributes = Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } }));
  return Request.encode({
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              {
                name,
                sum: {
                  aggregationTemporality: temporality,
                  isMonotonic: true,
                  dataPoints: [{ attributes, startTimeUnixNano: 1000, timeUnixNano: 2000, asInt: value }],
                },
              },
            ],
          },
        ],
      },
    ],
  }).finish();
}

describe('OtlpReceiver with a real k6 run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k6fleet-otlp-'));
  const jsonOut = join(dir, 'samples.json');
  let target: Server;
  let receiver: OtlpReceiver;
  const table = new MetricTable();
  const drained: Series[][] = [];
  let k6Exit: number | null = null;

  beforeAll(async () => {
    // Prepare: a loopback target with a spread of latencies and every 7th answer a 500.
    let n = 0;
    target = createServer((_req, res) => {
      const i = n++;
      const delay = [0, 0, 1, 2, 4, 8, 15][i % 7]!;
      setTimeout(() => res.writeHead(i % 7 === 3 ? 500 : 200).end('ok'), delay);
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const targetPort = (target.address() as AddressInfo).port;
    receiver = await OtlpReceiver.start({ keepTags: KEPT_TAGS });
    const script = join(dir, 'script.js');
    writeFileSync(
      script,
      `import http from 'k6/http';
import { check, sleep } from 'k6';
export const options = { vus: 5, duration: '4s' };
export default function () {
  const res = http.get('http://127.0.0.1:${targetPort}/');
  check(res, { 'status is 200': (r) => r.status === 200 });
  sleep(0.01);
}
`,
    );

    // Act: run k6 with both outputs; drain the receiver every second like a runner does.
    const timer = setInterval(() => drained.push(receiver.drain()), 1000);
    k6Exit = await new Promise<number | null>((resolve, reject) => {
      const k6 = spawn(
        K6_PATH,
        [
          'run',
          '--quiet',
          '--no-usage-report',
          '--summary-mode=disabled',
          '--out',
          'opentelemetry',
          '--out',
          `json=${jsonOut}`,
          script,
        ],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: {
            ...process.env,
            K6_OTEL_EXPORTER_PROTOCOL: 'http/protobuf',
            K6_OTEL_HTTP_EXPORTER_ENDPOINT: receiver.endpoint,
            K6_OTEL_HTTP_EXPORTER_INSECURE: 'true',
            K6_OTEL_EXPORT_INTERVAL: '1s',
            K6_OTEL_FLUSH_INTERVAL: '500ms',
            OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
            OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: 'base2_exponential_bucket_histogram',
          },
        },
      );
      let stderr = '';
      k6.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const kill = setTimeout(() => k6.kill('SIGKILL'), 60_000);
      k6.on('error', reject);
      k6.on('exit', (code) => {
        clearTimeout(kill);
        if (code !== 0) console.error(stderr);
        resolve(code);
      });
    });
    clearInterval(timer);
    drained.push(receiver.drain());
    drained.forEach((series, seq) => {
      table.addRecord({
        v: 1,
        runId: 't',
        region: 'local',
        runnerId: 'r0',
        seq,
        startMs: 0,
        endMs: 0,
        series,
      });
    });
  });

  afterAll(async () => {
    await receiver?.stop();
    await new Promise((r) => target?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  function exactSamples(metric: string): JsonPoint[] {
    return readFileSync(jsonOut, 'utf8')
      .split('\n')
      .filter((l) => l.includes(`"metric":"${metric}","type":"Point"`))
      .map((l) => JSON.parse(l) as JsonPoint);
  }

  it('k6 ran and every payload was accepted', () => {
    expect(k6Exit).toBe(0);
    expect(receiver.stats.payloads).toBeGreaterThanOrEqual(3);
    expect(receiver.stats.errors).toBe(0);
    expect(receiver.stats.bytes).toBeGreaterThan(0);
    // One series per metric × tags per drain.
    for (const series of drained) {
      const keys = series.map((s) => `${s.metric}${JSON.stringify(Object.entries(s.tags).sort())}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('http_reqs and checks are exact', () => {
    const reqs = exactSamples('http_reqs');
    expect(reqs.length).toBeGreaterThan(200);
    expect(table.select('http_reqs')?.agg).toEqual({ type: 'counter', value: reqs.length });
    const ok = reqs.filter((p) => p.data.tags.status === '200').length;
    expect(table.select('http_reqs', { status: '200' })?.agg).toEqual({ type: 'counter', value: ok });

    const checks = exactSamples('checks');
    const passes = checks.filter((p) => p.data.value === 1).length;
    expect(passes).toBeLessThan(checks.length); // the 500s fail the check
    expect(table.select('checks')?.agg).toEqual({ type: 'rate', nonzero: passes, total: checks.length });
    expect(table.select('checks', { check: 'status is 200' })?.agg).toEqual({
      type: 'rate',
      nonzero: passes,
      total: checks.length,
    });
    const failed = exactSamples('http_req_failed').filter((p) => p.data.value === 1).length;
    expect(table.select('http_req_failed')?.agg).toMatchObject({ nonzero: failed, total: reqs.length });
  });

  it('http_req_duration: exact count/min/max, p95 within 1% of the exact samples', () => {
    const values = exactSamples('http_req_duration')
      .map((p) => p.data.value)
      .sort((a, b) => a - b);
    const sel = table.select('http_req_duration');
    expect(sel?.contains).toBe('time');
    if (sel?.agg.type !== 'trend') throw new Error('http_req_duration is not a trend');
    const h = sel.agg.hist;
    expect(h.count).toBe(values.length);
    expect(h.min).toBeCloseTo(values[0]!, 6);
    expect(h.max).toBeCloseTo(values.at(-1)!, 6);
    for (const q of [0.5, 0.9, 0.95]) {
      const exact = exactQuantile(values, q);
      const est = histogramQuantile(h, q)!;
      expect(Math.abs(est - exact) / exact, `q=${q} exact=${exact} est=${est}`).toBeLessThan(0.01);
    }
  });

  it('keeps only the requested tags, names without prefix, and the vus gauge', () => {
    const sel = table.select('vus');
    expect(sel?.type).toBe('gauge');
    expect(sel?.agg).toMatchObject({ type: 'gauge', max: 5 });
    expect(table.containsOf('data_sent')).toBe('data');
    expect(table.typeOf('iterations')).toBe('counter');
    expect(table.typeOf('http_req_failed')).toBe('rate');
    expect(table.metricNames()).not.toContain('checks.total');
    const allTags = drained.flat().flatMap((s) => Object.keys(s.tags));
    expect(allTags.every((k) => (KEPT_TAGS as readonly string[]).includes(k))).toBe(true);
    expect(allTags).toContain('status');
  });
});

describe('OtlpReceiver on hand-made payloads', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await OtlpReceiver.start({ keepTags: ['check'] });
  });
  afterAll(async () => {
    await receiver.stop();
  });

  it('accepts gzip bodies, rejects garbage with 400 and keeps serving', async () => {
    const gz = await post(receiver.endpoint, gzipSync(sumRequest('http_reqs', 7, 1)), {
      'content-encoding': 'gzip',
    });
    const bad = await post(receiver.endpoint, new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]));
    const badGzip = await post(receiver.endpoint, new Uint8Array([1, 2, 3]), { 'content-encoding': 'gzip' });
    const after = await post(receiver.endpoint, sumRequest('http_reqs', 3, 1));
    expect([gz, bad, badGzip, after]).toEqual([200, 400, 400, 200]);
    expect(receiver.stats.errors).toBe(2);
    expect(receiver.drain()).toEqual([
      { metric: 'http_reqs', contains: 'default', tags: {}, type: 'counter', value: 10 },
    ]);
  });

  it('turns cumulative sums into deltas per stream', async () => {
    await post(receiver.endpoint, sumRequest('checks.total', 5, 2, { check: 'a', condition: 'nonzero' }));
    await post(receiver.endpoint, sumRequest('checks.total', 2, 2, { check: 'a', condition: 'zero' }));
    expect(receiver.drain()).toEqual([
      { metric: 'checks', contains: 'default', tags: { check: 'a' }, type: 'rate', nonzero: 5, total: 7 },
    ]);
    await post(receiver.endpoint, sumRequest('checks.total', 9, 2, { check: 'a', condition: 'nonzero' }));
    expect(receiver.drain()).toEqual([
      { metric: 'checks', contains: 'default', tags: { check: 'a' }, type: 'rate', nonzero: 4, total: 4 },
    ]);
  });
});
