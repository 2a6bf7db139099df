/**
 * Metrics sinks: how fast each sink encodes, and what a run costs in writes.
 *   npx tsx bench/sinks.ts
 * For each load shape it simulates the interval records of runners producing 1M requests
 * (16 k6 built-in series per runner interval — 8 of them latency histograms — plus
 * process stats, plus one watcher rollup per window), then prints records/s encoded and,
 * per 1M requests: Timestream records, WriteRecords requests and billed write units
 * (1 per started KiB of each request), InfluxDB lines and bytes (raw and gzip), and
 * Prometheus remote-write series, requests and bytes (protobuf, and snappy as sent), batched
 * as the sink batches a watcher tick: floats ≤ 1000 series a request, histograms one request
 * per runner interval.
 */
import { gzipSync } from 'node:zlib';
import { compress } from 'snappyjs';
import { groupLines } from '../functions/adapters/sinks/line-protocol';
import { groupSeries, intervalSeries, PromCumulative } from '../functions/adapters/sinks/prometheus-series';
import { encodeWriteRequest, type PromTimeSeries } from '../functions/adapters/sinks/remote-write-proto';
import { intervalPoints, type PointGroup, rollupPoints } from '../functions/adapters/sinks/sink-points';
import {
  billedWriteUnits,
  encodeGroup,
  requestBytes,
  toWrites,
} from '../functions/adapters/sinks/timestream-records';
import type { IntervalRecord, Series } from '../functions/contracts';
import { emptyHistogram, observe } from '../functions/core/histogram/exp-histogram';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TRENDS = [
  'http_req_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'iteration_duration',
];

function runnerSeries(requests: number, rnd: () => number): Series[] {
  const hist = (median: number) => {
    const h = emptyHistogram();
    // k6 samples every request; a few hundred draws give the bucket spread of a real interval.
    const draws = Math.min(requests, 400);
    for (let i = 0; i < draws; i++) observe(h, median * Math.exp((rnd() + rnd() + rnd() - 1.5) * 1.2));
    // Scale bucket counts up to the interval's request count (realistic digits in the payload).
    const k = requests / draws;
    h.positive.counts = h.positive.counts.map((c) => Math.round(c * k));
    h.count = h.positive.counts.reduce((a, b) => a + b, 0);
    h.sum *= k;
    return h;
  };
  return [
    ...TRENDS.map(
      (metric, i): Series => ({
        metric,
        contains: 'time',
        type: 'trend',
        hist: hist(1 + i * 5),
        tags: { expected_response: 'true', scenario: 'default' },
      }),
    ),
    {
      metric: 'http_reqs',
      contains: 'default',
      type: 'counter',
      value: requests,
      tags: { status: '200', method: 'GET' },
    },
    {
      metric: 'iterations',
      contains: 'default',
      type: 'counter',
      value: requests,
      tags: { scenario: 'default' },
    },
    { metric: 'data_sent', contains: 'data', type: 'counter', value: requests * 120, tags: {} },
    { metric: 'data_received', contains: 'data', type: 'counter', value: requests * 900, tags: {} },
    { metric: 'vus', contains: 'default', type: 'gauge', value: 50, min: 50, max: 50, tags: {} },
    { metric: 'vus_max', contains: 'default', type: 'gauge', value: 50, min: 50, max: 50, tags: {} },
    { metric: 'http_req_failed', contains: 'default', type: 'rate', nonzero: 3, total: requests, tags: {} },
    {
      metric: 'checks',
      contains: 'default',
      type: 'rate',
      nonzero: requests,
      total: requests,
      tags: { check: 'status is 200' },
    },
  ];
}

interface Shape {
  name: string;
  runners: number;
  regions: number;
  rpsPerRunner: number;
  intervalS: number;
}

const SHAPES: Shape[] = [
  { name: '4 runners × 250 req/s, 2 s', runners: 4, regions: 2, rpsPerRunner: 250, intervalS: 2 },
  { name: '20 runners × 1000 req/s, 2 s', runners: 20, regions: 4, rpsPerRunner: 1000, intervalS: 2 },
  { name: '100 runners × 2000 req/s, 5 s', runners: 100, regions: 5, rpsPerRunner: 2000, intervalS: 5 },
];

/** One watcher tick: the runners' records of one interval and the window's rollup. */
interface Tick {
  records: IntervalRecord[];
  rollup: PointGroup;
}

function ticksFor(shape: Shape): Tick[] {
  const rnd = lcg(42);
  const perInterval = shape.rpsPerRunner * shape.intervalS;
  const intervals = Math.ceil(1_000_000 / (perInterval * shape.runners));
  const regions = Array.from({ length: shape.regions }, (_, i) => `region-${i}`);
  // A pool of distinct series sets, so compression sees realistic variety.
  const pool = Array.from({ length: 32 }, () => runnerSeries(perInterval, rnd));
  const ticks: Tick[] = [];
  const t0 = 1_700_000_000_000;
  for (let seq = 0; seq < intervals; seq++) {
    const records: IntervalRecord[] = [];
    for (let r = 0; r < shape.runners; r++) {
      const rec: IntervalRecord = {
        v: 1,
        runId: 'run-20260101-abcdef',
        region: regions[r % regions.length]!,
        runnerId: `r${r}`,
        seq,
        startMs: t0 + seq * shape.intervalS * 1000,
        endMs: t0 + (seq + 1) * shape.intervalS * 1000,
        series: pool[(seq * shape.runners + r) % pool.length]!,
        process: { cpuPercent: 55, rssBytes: 2e8, k6CpuPercent: 45, k6RssBytes: 1.5e8 },
      };
      records.push(rec);
    }
    const stats = {
      rps: shape.rpsPerRunner * shape.runners,
      vus: 50,
      errorRate: 0.001,
      p50: 20,
      p90: 35,
      p95: 41,
      p99: 80,
      requests: perInterval,
      iterations: perInterval,
      dataSent: 1,
      dataReceived: 1,
      checksRate: 1,
    };
    const rollup = rollupPoints('run-20260101-abcdef', 'checkout-api', {
      t: t0 + (seq + 1) * shape.intervalS * 1000,
      elapsedMs: (seq + 1) * shape.intervalS * 1000,
      global: stats,
      regions: Object.fromEntries(regions.map((r) => [r, stats])),
    });
    ticks.push({ records, rollup });
  }
  return ticks;
}

const groupsOf = (ticks: Tick[]): PointGroup[] =>
  ticks.flatMap((t) => [...t.records.map((r) => intervalPoints(r, 'checkout-api')), t.rollup]);

/** What the Prometheus sink sends for the run: series, requests, protobuf and snappy bytes. */
function promWrites(ticks: Tick[]): { series: number; requests: number; bytes: number; snappy: number } {
  const out = { series: 0, requests: 0, bytes: 0, snappy: 0 };
  const send = (batch: PromTimeSeries[]) => {
    out.series += batch.length;
    out.requests++;
    // Encoded once, as the sink does (encodeRemoteWriteBody = snappy of this).
    const proto = encodeWriteRequest(batch);
    out.bytes += proto.length;
    out.snappy += compress(proto).length;
  };
  const cum = new PromCumulative();
  for (const t of ticks) {
    const floats: PromTimeSeries[] = [];
    for (const rec of t.records) {
      const series = [
        ...intervalSeries(rec, 'checkout-api', cum),
        ...groupSeries(intervalPoints(rec, 'checkout-api'), cum),
      ];
      floats.push(...series.filter((x) => !x.histograms?.length));
      const hists = series.filter((x) => x.histograms?.length);
      if (hists.length) send(hists);
    }
    floats.push(...groupSeries(t.rollup, cum));
    for (let i = 0; i < floats.length; i += 1000) send(floats.slice(i, i + 1000));
  }
  return out;
}

function timeIt(fn: () => number): { perSec: number; items: number } {
  fn(); // warm-up
  const t = process.hrtime.bigint();
  const items = fn();
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  return { perSec: items / s, items };
}

const fmt = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

const rows: string[][] = [];
for (const shape of SHAPES) {
  const ticks = ticksFor(shape);
  const groups = groupsOf(ticks);
  let tsRecords = 0;
  let tsRequests = 0;
  let tsBytes = 0;
  let tsUnits = 0;
  const ts = timeIt(() => {
    tsRecords = tsRequests = tsBytes = tsUnits = 0;
    for (const g of groups) {
      for (const w of toWrites(encodeGroup(g))) {
        tsRecords += w.records.length;
        tsRequests++;
        tsBytes += requestBytes(w);
        tsUnits += billedWriteUnits(w);
      }
    }
    return tsRecords;
  });
  let lines: string[] = [];
  const influx = timeIt(() => {
    lines = groups.flatMap((g) => groupLines(g));
    return lines.length;
  });
  const body = `${lines.join('\n')}\n`;
  // Gzip per 5000-line batch, as the sink sends it.
  let gz = 0;
  for (let i = 0; i < lines.length; i += 5000)
    gz += gzipSync(`${lines.slice(i, i + 5000).join('\n')}\n`).length;
  let prom = { series: 0, requests: 0, bytes: 0, snappy: 0 };
  const promRate = timeIt(() => {
    prom = promWrites(ticks);
    return prom.series;
  });
  rows.push([
    shape.name,
    fmt(ts.perSec),
    fmt(influx.perSec),
    fmt(promRate.perSec),
    fmt(tsRecords),
    fmt(tsRequests),
    fmt(tsBytes / 1024),
    fmt(tsUnits),
    fmt(lines.length),
    fmt(Buffer.byteLength(body) / 1024),
    fmt(gz / 1024),
    fmt(prom.series),
    fmt(prom.requests),
    fmt(prom.bytes / 1024),
    fmt(prom.snappy / 1024),
  ]);
}

const header = [
  'load shape (→ 1M requests)',
  'TS rec/s',
  'Influx lines/s',
  'Prom series/s',
  'TS records',
  'TS requests',
  'TS KiB',
  'TS write units',
  'Influx lines',
  'Influx KiB',
  'Influx gzip KiB',
  'Prom series',
  'Prom requests',
  'Prom KiB',
  'Prom snappy KiB',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) =>
  `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
process.stdout.write(`${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
for (const r of rows) process.stdout.write(`${line(r)}\n`);
process.stdout.write(
  '\nTS = Timestream (multi-measure records, CommonAttributes per runner interval); write units billed per started KiB of each WriteRecords request. Prom = Prometheus remote write (native histograms; series/s includes protobuf + snappy encoding).\n',
);
