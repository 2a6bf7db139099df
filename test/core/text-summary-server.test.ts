import { describe, expect, it } from 'vitest';
import { type Summary, SummarySchema } from '../../functions/contracts';
import { renderTextSummary } from '../../functions/core/summary/text-summary';

function runWithServer(correlations: Summary['fleet']['correlations']): Summary {
  const source = 'http://127.0.0.1:8080/metrics';
  return SummarySchema.parse({
    v: 1,
    runId: 'r1',
    testName: 'checkout',
    state: { testRunDurationMs: 20_000 },
    options: { summaryTrendStats: ['avg', 'p(95)'] },
    metrics: {},
    checks: [],
    fleet: {
      verdict: 'passed',
      exitCode: 0,
      startAt: 0,
      endAt: 20_000,
      regions: [],
      runners: [],
      startSkewMs: 3,
      anomalies: [],
      failedThresholds: [],
      correlations,
      server: {
        sources: [
          { source, scrapes: 10, failures: 0 },
          {
            source: 'http://127.0.0.1:9/metrics',
            scrapes: 10,
            failures: 10,
            lastError: 'connect ECONNREFUSED 127.0.0.1:9',
          },
        ],
        top: [],
        correlations: [],
      },
    },
  });
}

describe('text summary, server part', () => {
  it('states the top correlations in words and counts failed reads', () => {
    // Act
    const text = renderTextSummary(
      runWithServer([
        {
          series: 'app_db_pool_waiting',
          metric: 'http_req_duration p(95)',
          r: 0.934,
          spearman: 0.95,
          lagSeconds: 0,
          windows: 10,
        },
        {
          series: 'rate(process_cpu_seconds_total)',
          metric: 'http_reqs rate',
          r: 0.71,
          spearman: 0.6,
          lagSeconds: 2,
          windows: 9,
        },
        {
          series: 'process_resident_memory_bytes',
          metric: 'http_reqs rate',
          r: 0.2,
          spearman: 0.1,
          lagSeconds: 0,
          windows: 9,
        },
      ]),
      { color: false },
    );

    // Assess
    expect(text).toContain('SERVER');
    expect(text).toContain('http://127.0.0.1:8080/metrics: 10 reads');
    expect(text).toContain(
      'http://127.0.0.1:9/metrics: 10 reads, 10 failed (last: connect ECONNREFUSED 127.0.0.1:9)',
    );
    expect(text).toContain('p95 latency rose with app_db_pool_waiting, r = 0.93, same window');
    expect(text).toContain(
      'request rate rose with rate(process_cpu_seconds_total), r = 0.71, rate(process_cpu_seconds_total) leading by 2 s',
    );
    expect(text).not.toContain('process_resident_memory_bytes');
  });

  it('says so when nothing correlates, and prints nothing for runs without server metrics', () => {
    // Act
    const quiet = renderTextSummary(runWithServer([]), { color: false });
    const none = runWithServer([]);
    delete none.fleet.server;
    const plain = renderTextSummary(none, { color: false });

    // Assess
    expect(quiet).toContain('no server series correlated');
    expect(plain).not.toContain('SERVER');
  });
});
