import { describe, expect, it } from 'vitest';
import type { HistoryRecordV2 } from '../../functions/contracts/history-record';
import type { ServerWindow } from '../../functions/contracts/server-metrics';
import { compareServerSides, serverComparisonText } from '../../functions/core/compare/server-comparison';
import { serverHistory } from '../../functions/core/history/server-history';

const window = (i: number, waiting: number, cpu: number): ServerWindow => ({
  v: 1,
  window: i,
  t: 1_000 * i,
  samples: [
    { series: 'app_db_pool_waiting', source: 'http://127.0.0.1:1/metrics', value: waiting },
    { series: 'rate(process_cpu_seconds_total)', source: 'http://127.0.0.1:1/metrics', value: cpu },
  ],
  failures: [],
});
const p95 = (series: string, r: number) => ({
  series,
  metric: 'http_req_duration p(95)',
  r,
  spearman: r,
  lagSeconds: 0,
  windows: 4,
});

describe('server side of history and compare', () => {
  it('keeps mean and max per series, correlated series first', () => {
    // Act
    const h = serverHistory(
      [window(0, 0, 0.2), window(1, 4, 0.4), window(2, 12, 0.6), window(3, 0, 0.2)],
      [p95('rate(process_cpu_seconds_total)', 0.8)],
    );

    // Assess
    expect(h.series).toEqual([
      { series: 'rate(process_cpu_seconds_total)', mean: expect.closeTo(0.35, 12), max: 0.6, windows: 4 },
      { series: 'app_db_pool_waiting', mean: 4, max: 12, windows: 4 },
    ]);
    expect(h.correlations).toHaveLength(1);
  });

  it('puts both runs side by side with the change and each run’s top p95 correlate; nothing without both', () => {
    // Prepare
    const record = (waiting: number[], top: string) =>
      ({
        server: serverHistory(
          waiting.map((w, i) => window(i, w, 0.5)),
          [p95(top, 0.9)],
        ),
      }) as unknown as HistoryRecordV2;
    const baseline = record([0, 1, 1, 2], 'rate(process_cpu_seconds_total)');
    const current = record([4, 8, 12, 16], 'app_db_pool_waiting');

    // Act
    const c = compareServerSides(baseline, current);

    // Assess
    expect(c?.rows.find((r) => r.series === 'app_db_pool_waiting')).toMatchObject({
      baselineMean: 1,
      currentMean: 10,
      changePct: 900,
      currentMax: 16,
    });
    expect(c?.currentTopForP95?.series).toBe('app_db_pool_waiting');
    const text = serverComparisonText(c!);
    expect(text).toMatch(/app_db_pool_waiting\s+1\.00\s+10\.00\s+\+900\.0%/);
    expect(text).toContain("p95 latency's top correlate (current): app_db_pool_waiting, r = 0.90");
    expect(compareServerSides({} as HistoryRecordV2, current)).toBeUndefined();
  });
});
