import { describe, expect, it } from 'vitest';
import type { Plan, Series } from '../../functions/contracts';
import { emptyHistogram, observe } from '../../functions/core/histogram/exp-histogram';
import { MetricTable } from '../../functions/core/metrics/metric-table';
import { buildSummary } from '../../functions/core/summary/build-summary';

const plan = {
  runId: 'r1',
  testName: 't',
  summaryTrendStats: ['avg', 'p(95)'],
  regions: [{ name: 'eu', weight: 100, runners: 1 }],
  runners: [{ runnerId: 'eu-0', region: 'eu', index: 0, segment: '0:1', share: 1, expectedVUs: 2 }],
} as unknown as Plan;

function table(): MetricTable {
  const hist = emptyHistogram();
  for (let i = 1; i <= 100; i++) observe(hist, i);
  const series: Series[] = [
    { metric: 'http_req_duration', contains: 'time', tags: { status: '200' }, type: 'trend', hist },
    { metric: 'http_reqs', contains: 'default', tags: { status: '200' }, type: 'counter', value: 100 },
    { metric: 'checks', contains: 'default', tags: { check: 'ok' }, type: 'rate', nonzero: 9, total: 10 },
  ];
  const t = new MetricTable();
  for (const s of series) t.add(s, 'eu-0');
  return t;
}

describe('buildSummary', () => {
  it('has k6 handleSummary metrics, submetrics named by thresholds, the stats thresholds read, and checks', () => {
    // Act
    const s = buildSummary({
      plan,
      table: table(),
      thresholds: [
        { metric: 'http_req_duration', expr: 'p(99)<200', ok: true, abortOnFail: false, value: 99 },
        {
          metric: 'http_req_duration{status:200}',
          expr: 'avg<10',
          ok: false,
          abortOnFail: false,
          value: 50.5,
          failedAt: 5,
        },
      ],
      results: [],
      verdict: { verdict: 'thresholds-failed', exitCode: 99 },
      abort: undefined,
      startAt: 0,
      endAt: 10_000,
      durationMs: 10_000,
      regionRequests: { eu: 100 },
      anomalies: [],
    });
    // Assess
    expect(Object.keys(s.metrics.http_req_duration?.values ?? {})).toEqual(['avg', 'p(95)', 'p(99)']);
    expect(s.metrics.http_req_duration?.values['p(99)']).toBe(99);
    expect(s.metrics.http_req_duration?.thresholds).toEqual({ 'p(99)<200': { ok: true } });
    expect(s.metrics['http_req_duration{status:200}']?.thresholds).toEqual({ 'avg<10': { ok: false } });
    expect(s.metrics.http_reqs?.values).toEqual({ count: 100, rate: 10 });
    expect(s.checks).toEqual([{ name: 'ok', passes: 9, fails: 1 }]);
    expect(s.fleet.failedThresholds).toEqual([
      { metric: 'http_req_duration{status:200}', expr: 'avg<10', failedAt: 5 },
    ]);
    expect(s.fleet.regions).toEqual([{ name: 'eu', weight: 100, runners: 1, requests: 100 }]);
  });
});
