import type {
  ExpHistogram,
  IntervalRecord,
  LiveStats,
  RollupPoint,
  Series,
  Summary,
} from '../../functions/contracts';
import { emptyHistogram, observe } from '../../functions/core/histogram/exp-histogram';

/** A deterministic pseudo-random stream (so fixtures are reproducible). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A latency histogram of `n` samples, log-normal-ish around `medianMs`. */
export function latencyHistogram(n: number, medianMs: number, seed = 1): ExpHistogram {
  const rnd = lcg(seed);
  const h = emptyHistogram();
  for (let i = 0; i < n; i++) {
    const z = (rnd() + rnd() + rnd() - 1.5) * 2;
    observe(h, medianMs * Math.exp(z * 0.6));
  }
  return h;
}

/** The series a k6 HTTP test writes per interval, with `extra` additional tagged series. */
export function httpSeries(requests: number, failed: number, extra = 0, seed = 1): Series[] {
  const series: Series[] = [
    {
      metric: 'http_reqs',
      contains: 'default',
      type: 'counter',
      value: requests,
      tags: { status: '200', method: 'GET' },
    },
    { metric: 'iterations', contains: 'default', type: 'counter', value: requests, tags: {} },
    { metric: 'data_sent', contains: 'data', type: 'counter', value: requests * 120, tags: {} },
    { metric: 'data_received', contains: 'data', type: 'counter', value: requests * 900, tags: {} },
    { metric: 'vus', contains: 'default', type: 'gauge', value: 5, min: 5, max: 5, tags: {} },
    {
      metric: 'http_req_failed',
      contains: 'default',
      type: 'rate',
      nonzero: failed,
      total: requests,
      tags: {},
    },
    {
      metric: 'checks',
      contains: 'default',
      type: 'rate',
      nonzero: requests - failed,
      total: requests,
      tags: { check: 'status is 200' },
    },
    {
      metric: 'http_req_duration',
      contains: 'time',
      type: 'trend',
      hist: latencyHistogram(requests, 20, seed),
      tags: { expected_response: 'true', group: '' },
    },
  ];
  for (let i = 0; i < extra; i++) {
    series.push({
      metric: 'custom_counter',
      contains: 'default',
      type: 'counter',
      value: i + 1,
      tags: { scenario: `s${i}` },
    });
  }
  return series;
}

export function intervalRecord(o: {
  runId?: string;
  region?: string;
  runnerId?: string;
  seq?: number;
  startMs?: number;
  requests?: number;
  failed?: number;
  extraSeries?: number;
}): IntervalRecord {
  const seq = o.seq ?? 0;
  const startMs = (o.startMs ?? 1_700_000_000_000) + seq * 2000;
  return {
    v: 1,
    runId: o.runId ?? 'run-1',
    region: o.region ?? 'eu-west-1',
    runnerId: o.runnerId ?? 'r0',
    seq,
    startMs,
    endMs: startMs + 2000,
    series: httpSeries(o.requests ?? 100, o.failed ?? 1, o.extraSeries ?? 0, seq + 1),
    process: { cpuPercent: 42.5, rssBytes: 150e6, k6CpuPercent: 30, k6RssBytes: 90e6 },
  };
}

export function liveStats(rps: number): LiveStats {
  return {
    rps,
    vus: 10,
    errorRate: 0.01,
    p50: 20,
    p90: 35,
    p95: 41.5,
    p99: 60,
    requests: rps * 2,
    iterations: rps * 2,
    dataSent: rps * 240,
    dataReceived: rps * 1800,
    checksRate: 0.99,
  };
}

export function rollupPoint(t: number, elapsedMs: number, regions: string[]): RollupPoint {
  return {
    t,
    elapsedMs,
    global: liveStats(100 * regions.length),
    regions: Object.fromEntries(regions.map((r) => [r, liveStats(100)])),
  };
}

/** A finished run's summary, as the finalizer writes it (only what the sinks read is filled in). */
export function summaryFixture(runId: string, testName: string, startAt: number, p95: number): Summary {
  const durationMs = 60_000;
  return {
    v: 1,
    runId,
    testName,
    state: { testRunDurationMs: durationMs },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'] },
    metrics: {
      http_reqs: { type: 'counter', contains: 'default', values: { count: 12_000, rate: 200 } },
      iterations: { type: 'counter', contains: 'default', values: { count: 12_000, rate: 200 } },
      http_req_failed: {
        type: 'rate',
        contains: 'default',
        values: { rate: 0.004, passes: 48, fails: 11_952 },
      },
      checks: { type: 'rate', contains: 'default', values: { rate: 0.996, passes: 11_952, fails: 48 } },
      http_req_duration: {
        type: 'trend',
        contains: 'time',
        values: { avg: 22, min: 3, med: 20, max: 180, 'p(90)': 35, 'p(95)': p95, 'p(99)': 70 },
      },
      vus_max: { type: 'gauge', contains: 'default', values: { value: 20, min: 20, max: 20 } },
      data_sent: { type: 'counter', contains: 'data', values: { count: 1_440_000, rate: 24_000 } },
      data_received: { type: 'counter', contains: 'data', values: { count: 10_800_000, rate: 180_000 } },
    },
    checks: [{ name: 'status is 200', passes: 11_952, fails: 48 }],
    fleet: {
      verdict: 'passed',
      exitCode: 0,
      startAt,
      endAt: startAt + durationMs,
      regions: [{ name: 'eu-west-1', weight: 100, runners: 2, requests: 12_000 }],
      runners: [],
      startSkewMs: 12,
      anomalies: [],
      failedThresholds: [],
    },
  };
}
