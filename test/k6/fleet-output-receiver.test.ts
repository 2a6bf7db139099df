import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetOutputReceiver } from '../../functions/adapters/k6/fleet-output-receiver';
import { KEPT_TAGS, type Series } from '../../functions/contracts/metrics';
import { histogramQuantile } from '../../functions/core/histogram/histogram-quantile';
import { MetricTable } from '../../functions/core/metrics/metric-table';
import { K6_PATH } from '../support/k6-path';

function exactQuantile(sorted: number[], q: number): number {
  const i = q * (sorted.length - 1);
  const j = sorted[Math.floor(i)]!;
  const k = sorted[Math.ceil(i)]!;
  return j + (k - j) * (i - Math.floor(i));
}

interface JsonPoint {
  metric: string;
  data: { value: number; tags: Record<string, string> };
}

const post = (url: string, body: string) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((r) => r.status);

describe('the fleet output (k6 extension) into FleetOutputReceiver, with a real k6 run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k6fleet-fleetout-'));
  const jsonOut = join(dir, 'samples.json');
  let target: Server;
  let receiver: FleetOutputReceiver;
  const table = new MetricTable();
  const drained: Series[][] = [];
  let k6Exit: number | null = null;

  beforeAll(async () => {
    // Prepare: a loopback target with a spread of latencies and every 7th answer a 500.
    let n = 0;
    target = createServer((_req, res) => {
      const i = n++;
      setTimeout(() => res.writeHead(i % 7 === 3 ? 500 : 200).end('ok'), [0, 0, 1, 2, 4, 8, 15][i % 7]);
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const port = (target.address() as AddressInfo).port;
    receiver = await FleetOutputReceiver.start();
    const script = join(dir, 'script.js');
    writeFileSync(
      script,
      `import http from 'k6/http';
import { check, sleep } from 'k6';
export const options = { vus: 5, duration: '3s' };
export default function () {
  const res = http.get('http://127.0.0.1:${port}/?i=' + __ITER);
  check(res, { 'status is 200': (r) => r.status === 200 });
  sleep(0.01);
}
`,
    );
    // Act: k6 with the fleet output and, for the exact reference, --out json; drain each second.
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
          `fleet=${receiver.url}`,
          '--out',
          `json=${jsonOut}`,
          script,
        ],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: {
            PATH: process.env.PATH,
            K6_FLEET_PUSH_INTERVAL: '500ms',
            K6_FLEET_KEEP_TAGS: KEPT_TAGS.join(','),
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

  it('k6 ran and sent several batches, all accepted', () => {
    expect(k6Exit).toBe(0);
    expect(receiver.stats.batches).toBeGreaterThanOrEqual(4);
    expect(receiver.stats.errors).toBe(0);
    expect(receiver.stats.duplicates).toBe(0);
  });

  it('counters and rates are exact, in total and per kept tag', () => {
    const reqs = exactSamples('http_reqs');
    expect(reqs.length).toBeGreaterThan(200);
    expect(table.select('http_reqs')?.agg).toEqual({ type: 'counter', value: reqs.length });
    const failed = reqs.filter((p) => p.data.tags.status === '500').length;
    expect(failed).toBeGreaterThan(0);
    expect(table.select('http_reqs', { status: '500' })?.agg).toEqual({ type: 'counter', value: failed });
    const checks = exactSamples('checks');
    const passes = checks.filter((p) => p.data.value === 1).length;
    expect(table.select('checks')?.agg).toEqual({ type: 'rate', nonzero: passes, total: checks.length });
    expect(table.select('checks', { check: 'status is 200' })?.agg).toEqual({
      type: 'rate',
      nonzero: passes,
      total: checks.length,
    });
    const iterations = exactSamples('iterations').length;
    expect(table.select('iterations')?.agg).toEqual({ type: 'counter', value: iterations });
  });

  it('trends: exact count/min/max, each percentile within one bucket width of the exact one', () => {
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
    // The guarantee of the representation (bench/percentiles.ts measures the typical error,
    // far smaller): at scale s a bucket spans a factor 2^(2^-s).
    const width = 2 ** (2 ** -h.scale) - 1;
    expect(h.scale).toBeGreaterThanOrEqual(2);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = exactQuantile(values, q);
      const est = histogramQuantile(h, q)!;
      expect(Math.abs(est - exact) / exact, `q=${q} exact=${exact} est=${est}`).toBeLessThan(width);
    }
  });

  it('keeps only the kept tags (url is dropped, so each interval has one series per status)', () => {
    expect(table.select('vus')?.agg).toMatchObject({ type: 'gauge', max: 5 });
    expect(table.containsOf('data_sent')).toBe('data');
    const allTags = drained.flat().flatMap((s) => Object.keys(s.tags));
    expect(allTags.every((k) => (KEPT_TAGS as readonly string[]).includes(k))).toBe(true);
    expect(allTags).toContain('status');
    for (const series of drained) {
      const reqs = series.filter((s) => s.metric === 'http_reqs');
      expect(reqs.length).toBeLessThanOrEqual(2);
    }
  });
});

describe('FleetOutputReceiver on hand-made batches', () => {
  let receiver: FleetOutputReceiver;
  beforeAll(async () => {
    receiver = await FleetOutputReceiver.start();
  });
  afterAll(async () => {
    await receiver.stop();
  });

  it('applies a resent batch once, rejects malformed ones with 400 and keeps serving', async () => {
    const batch = (n: number, value: number) =>
      JSON.stringify({
        v: 1,
        batch: n,
        series: [{ metric: 'http_reqs', contains: 'default', tags: {}, type: 'counter', value }],
      });
    const codes = [
      await post(receiver.url, batch(1, 7)),
      await post(receiver.url, batch(1, 7)), // the answer was lost; k6 sends it again
      await post(receiver.url, '{"v":1,"batch":2,"series":[{"metric":"x"}]}'),
      await post(receiver.url, 'not json'),
      await post(receiver.url, batch(2, 3)),
    ];
    expect(codes).toEqual([200, 200, 400, 400, 200]);
    expect(receiver.stats).toMatchObject({ batches: 2, duplicates: 1, errors: 2 });
    expect(receiver.drain()).toEqual([
      { metric: 'http_reqs', contains: 'default', tags: {}, type: 'counter', value: 10 },
    ]);
  });
});
