import type { LiveStats, RollupPoint, Summary } from '../../functions/contracts';

/** A realistic finished run: 3 weighted regions, 6 runners, an error burst in us-east-1
 * that failed the error-rate threshold, 60 timeline points one second apart. */
export const REGIONS = [
  { name: 'eu-west-1', weight: 50, baseLatency: 38, baseErrors: 0.002 },
  { name: 'us-east-1', weight: 30, baseLatency: 95, baseErrors: 0.004 },
  { name: 'ap-southeast-2', weight: 20, baseLatency: 210, baseErrors: 0.001 },
] as const;

export const START_AT = Date.UTC(2026, 2, 14, 9, 30, 0);
const POINTS = 60;
const MAX_VUS = 50;

function vusAt(second: number): number {
  if (second < 15) return (MAX_VUS * second) / 15;
  if (second > 50) return (MAX_VUS * (POINTS - second)) / 10;
  return MAX_VUS;
}

function stats(vus: number, latency: number, errorRate: number, wave: number): LiveStats {
  const rps = vus * 18 * (1 + 0.08 * wave);
  return {
    rps,
    vus: Math.round(vus),
    errorRate,
    p50: latency,
    p90: latency * 1.6,
    p95: latency * 1.9,
    p99: latency * 2.7,
    requests: Math.round(rps),
    iterations: Math.round(rps / 2),
    dataSent: Math.round(rps * 180),
    dataReceived: Math.round(rps * 2400),
    checksRate: 1 - errorRate,
  };
}

export function makeTimeline(): RollupPoint[] {
  return Array.from({ length: POINTS }, (_, i) => {
    const second = i + 1;
    const regions: Record<string, LiveStats> = {};
    for (const [r, region] of REGIONS.entries()) {
      const wave = Math.sin(second / 4 + r);
      const burst = region.name === 'us-east-1' && second >= 30 && second < 38 ? 0.06 : 0;
      const latency = region.baseLatency * (1 + 0.15 * wave) * (burst > 0 ? 1.8 : 1);
      regions[region.name] = stats(
        (vusAt(second) * region.weight) / 100,
        latency,
        region.baseErrors + burst,
        wave,
      );
    }
    const all = Object.values(regions);
    const sum = (pick: (s: LiveStats) => number) => all.reduce((acc, s) => acc + pick(s), 0);
    const weighted = (pick: (s: LiveStats) => number | null) =>
      sum((s) => (pick(s) ?? 0) * s.rps) / sum((s) => s.rps);
    const global: LiveStats = {
      ...stats(
        sum((s) => s.vus),
        weighted((s) => s.p50),
        weighted((s) => s.errorRate),
        0,
      ),
      rps: sum((s) => s.rps),
      p95: weighted((s) => s.p95),
      p99: Math.max(...all.map((s) => s.p99 ?? 0)),
    };
    return { t: START_AT + second * 1000, elapsedMs: second * 1000, global, regions };
  });
}

export function makeSummary(testName: string): Summary {
  const endAt = START_AT + POINTS * 1000 + 420;
  return {
    v: 1,
    runId: '20260314-093000-a1b2c3',
    testName,
    state: { testRunDurationMs: POINTS * 1000 + 420 },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'] },
    metrics: {
      http_reqs: { type: 'counter', contains: 'default', values: { count: 41234, rate: 687.23 } },
      http_req_duration: {
        type: 'trend',
        contains: 'time',
        values: {
          avg: 81.4,
          min: 0.412,
          med: 52.1,
          max: 2310.5,
          'p(90)': 190.2,
          'p(95)': 262.9,
          'p(99)': 611.7,
        },
        thresholds: { 'p(95)<500': { ok: true }, 'p(99)<1500': { ok: true } },
      },
      'http_req_duration{expected_response:true}': {
        type: 'trend',
        contains: 'time',
        values: {
          avg: 79.9,
          min: 0.412,
          med: 51.7,
          max: 1998.2,
          'p(90)': 187.5,
          'p(95)': 258.3,
          'p(99)': 598.1,
        },
        thresholds: { 'p(99)<800': { ok: true } },
      },
      http_req_failed: {
        type: 'rate',
        contains: 'default',
        values: { rate: 0.0119, passes: 491, fails: 40743 },
        thresholds: { 'rate<0.01': { ok: false } },
      },
      checks: {
        type: 'rate',
        contains: 'default',
        values: { rate: 0.9881, passes: 40743, fails: 491 },
        thresholds: { 'rate>0.95': { ok: true } },
      },
      iterations: { type: 'counter', contains: 'default', values: { count: 20617, rate: 343.6 } },
      iteration_duration: {
        type: 'trend',
        contains: 'time',
        values: {
          avg: 1164.2,
          min: 1000.9,
          med: 1104.4,
          max: 4712.8,
          'p(90)': 1380.1,
          'p(95)': 1522.6,
          'p(99)': 2230,
        },
      },
      vus: { type: 'gauge', contains: 'default', values: { value: 0, min: 0, max: 50 } },
      vus_max: { type: 'gauge', contains: 'default', values: { value: 50, min: 50, max: 50 } },
      data_received: { type: 'counter', contains: 'data', values: { count: 98_961_600, rate: 1_649_360 } },
      data_sent: { type: 'counter', contains: 'data', values: { count: 7_422_120, rate: 123_702 } },
    },
    checks: [
      { name: 'status is 200', passes: 40743, fails: 491 },
      { name: 'body has <!-- token --> </script>', passes: 41234, fails: 0 },
    ],
    fleet: {
      verdict: 'thresholds-failed',
      exitCode: 99,
      startAt: START_AT,
      endAt,
      regions: REGIONS.map((r) => ({
        name: r.name,
        weight: r.weight,
        runners: 2,
        requests: Math.round(41234 * (r.weight / 100)),
      })),
      runners: REGIONS.flatMap((r, i) =>
        [0, 1].map((k) => ({
          runnerId: `${r.name}-${k}`,
          region: r.name,
          segment: ['0:1/4', '1/4:1/2', '1/2:13/20', '13/20:4/5', '4/5:9/10', '9/10:1'][i * 2 + k]!,
          outcome: 'finished',
          k6ExitCode: 0,
          startOffsetMs: [1.8, -0.6, 3.2, 2.4, 7.9, 5.1][i * 2 + k]!,
        })),
      ),
      startSkewMs: 7.9,
      anomalies: [
        {
          at: START_AT + 31_000,
          kind: 'error-burst',
          region: 'us-east-1',
          message: 'error rate 6.4% (baseline 0.4%)',
        },
      ],
      failedThresholds: [{ metric: 'http_req_failed', expr: 'rate<0.01', failedAt: START_AT + 33_000 }],
    },
  };
}
