import { describe, expect, it } from 'vitest';
import type { LiveStats, RollupPoint, ServerWindow } from '../../functions/contracts';
import { correlateSeries, pearson, spearman } from '../../functions/core/server-metrics/correlate';
import {
  correlationSentence,
  correlationSentences,
} from '../../functions/core/server-metrics/correlation-sentences';
import { runCorrelations } from '../../functions/core/server-metrics/run-correlations';

const opts = { windowSeconds: 2 };

describe('server metric correlation', () => {
  it('computes Pearson and Spearman as textbooks do', () => {
    // Assess: a monotone but non-linear relation has rho 1 and r below 1.
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    expect(spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 1000])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4, 5], [1, 4, 9, 16, 1000])).toBeLessThan(0.8);
    // Ties share their average rank: ranks [1.5,1.5,3] vs [1,2,3].
    expect(spearman([5, 5, 7], [1, 2, 3])).toBeCloseTo(0.8660254, 6);
    expect(Number.isNaN(pearson([1, 1, 1], [1, 2, 3]))).toBe(true);
  });

  it('ranks by |r|, leaves flat series and flat metrics out, and finds the lag', () => {
    // Prepare: waiting drives latency; lead moves one window before latency; cpu is noise-ish.
    const waiting = [0, 0, 1, 3, 6, 9, 12, 12, 8, 3, 0, 0];
    const p95 = waiting.map((w) => 5 + w * 10);
    const lead = [...waiting.slice(1), 0].map((w) => w * 2);
    const server = [
      { name: 'app_db_pool_waiting', values: waiting },
      { name: 'app_db_pool_size', values: waiting.map(() => 10) },
      { name: 'process_resident_memory_bytes', values: waiting.map((_, i) => 80e6 + (i % 2) * 1e5) },
      {
        name: 'rate(process_cpu_seconds_total)',
        values: [0.1, 0.3, 0.2, 0.5, 0.3, 0.4, 0.2, 0.5, 0.1, 0.3, 0.2, 0.4],
      },
      { name: 'lead', values: lead },
    ];
    const k6 = [
      { name: 'http_req_duration p(95)', values: p95 },
      { name: 'http_req_failed rate', values: waiting.map(() => 0) },
    ];

    // Act
    const ranked = correlateSeries(server, k6, opts);

    // Assess
    expect(ranked[0]).toMatchObject({
      series: 'app_db_pool_waiting',
      metric: 'http_req_duration p(95)',
      lagSeconds: 0,
      windows: 12,
    });
    expect(ranked[0]!.r).toBeCloseTo(1, 9);
    expect(ranked[0]!.spearman).toBeCloseTo(1, 9);
    const leadRow = ranked.find((c) => c.series === 'lead')!;
    expect(leadRow.lagSeconds).toBe(2); // lead[i] equals waiting[i+1]: it moves one window first
    expect(leadRow.r).toBeCloseTo(1, 9);
    expect(leadRow.windows).toBe(11);
    const names = ranked.map((c) => c.series);
    expect(names).not.toContain('app_db_pool_size');
    expect(names).not.toContain('process_resident_memory_bytes');
    expect(ranked.map((c) => c.metric)).not.toContain('http_req_failed rate');
    for (let i = 1; i < ranked.length; i++) {
      expect(Math.abs(ranked[i - 1]!.r)).toBeGreaterThanOrEqual(Math.abs(ranked[i]!.r));
    }
  });

  it('needs enough paired windows', () => {
    // Act
    const few = correlateSeries(
      [{ name: 's', values: [1, 2, null, 4] }],
      [{ name: 'm', values: [1, 2, 3, 4] }],
      opts,
    );

    // Assess
    expect(few).toEqual([]);
  });

  it('assembles a run from its timeline and server windows', () => {
    // Prepare
    const live = (p95: number): LiveStats => ({
      rps: 100,
      vus: 10,
      errorRate: 0,
      p50: p95 / 2,
      p90: p95,
      p95,
      p99: p95,
      requests: 200,
      iterations: 200,
      dataSent: 0,
      dataReceived: 0,
      checksRate: 1,
    });
    const inUse = [1, 2, 4, 4, 4, 4, 3, 1];
    const waiting = [0, 0, 2, 6, 9, 5, 0, 0];
    const timeline: RollupPoint[] = waiting.map((w, i) => ({
      t: i * 2000,
      elapsedMs: i * 2000,
      global: live(10 + w * 25),
      regions: {},
    }));
    const windows: ServerWindow[] = waiting.map((w, i) => ({
      v: 1,
      window: i,
      t: i * 2000,
      samples: [
        { series: 'app_db_pool_waiting', source: 'http://127.0.0.1:1/metrics', value: w },
        { series: 'app_db_pool_in_use', source: 'http://127.0.0.1:1/metrics', value: inUse[i]! },
      ],
      failures: [],
    }));

    // Act
    const correlations = runCorrelations(timeline, windows.slice(1), 2);

    // Assess: window 0 has no server data; flat rps is left out.
    expect(correlations[0]).toMatchObject({
      series: 'app_db_pool_waiting',
      metric: 'http_req_duration p(95)',
      windows: 7,
    });
    expect(correlations.map((c) => c.metric)).toEqual(['http_req_duration p(95)', 'http_req_duration p(95)']);
  });

  it('states the top findings in words', () => {
    // Prepare
    const base = { metric: 'http_req_duration p(95)', spearman: 0.9, windows: 10 };

    // Act
    const sentences = correlationSentences([
      { ...base, series: 'app_db_pool_waiting', r: 0.934, lagSeconds: 0 },
      {
        ...base,
        series: 'rate(process_cpu_seconds_total)',
        r: -0.81,
        lagSeconds: -4,
        metric: 'http_reqs rate',
      },
      { ...base, series: 'weak', r: 0.3, lagSeconds: 0 },
    ]);

    // Assess
    expect(sentences).toEqual([
      'p95 latency rose with app_db_pool_waiting, r = 0.93, same window',
      'request rate fell as rate(process_cpu_seconds_total) rose, r = −0.81, rate(process_cpu_seconds_total) lagging by 4 s',
    ]);
    expect(
      correlationSentence({ ...base, series: 's', r: 0.75, lagSeconds: 2, metric: 'http_req_failed rate' }),
    ).toBe('error rate rose with s, r = 0.75, s leading by 2 s');
  });

  it("tells latency's strongest correlate first, even when the server's request counter tracks k6's rate more closely", () => {
    // Prepare: sorted by |r|, as correlateSeries returns them.
    const c = (metric: string, series: string, r: number) => ({
      metric,
      series,
      r,
      spearman: r,
      lagSeconds: 0,
      windows: 20,
    });
    const ranked = [
      c('http_reqs rate', 'rate(app_http_requests_total)', 0.99),
      c('http_reqs rate', 'rate(app_db_pool_acquired_total)', 0.98),
      c('http_req_duration p(95)', 'app_db_pool_waiting', 0.91),
      c('http_req_duration p(95)', 'app_db_pool_in_use', 0.8),
    ];

    // Act
    const sentences = correlationSentences(ranked);

    // Assess: one finding per k6 side first (latency, then throughput), then the next strongest.
    expect(sentences).toEqual([
      'p95 latency rose with app_db_pool_waiting, r = 0.91, same window',
      'request rate rose with rate(app_http_requests_total), r = 0.99, same window',
      'request rate rose with rate(app_db_pool_acquired_total), r = 0.98, same window',
    ]);
  });
});
