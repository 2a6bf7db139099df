import type { IntervalRecord, Plan, Series, Summary } from '../../functions/contracts';
import type { HistoryRecordV2 } from '../../functions/contracts/history-record';
import { emptyHistogram, observe } from '../../functions/core/histogram/exp-histogram';
import { buildHistoryRecord } from '../../functions/core/history/build-history-record';
import { tablesFromIntervals } from '../../functions/core/history/interval-windows';
import { MetricTable } from '../../functions/core/metrics/metric-table';

/** Deterministic PRNG: the target's seeded mulberry32, one implementation for all. */
import { seededRandom as rng } from '../../target/random';

export { rng };

const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

export interface SyntheticRun {
  runId: string;
  testName?: string;
  startAt: number;
  /** Median latency in ms (lognormal, σ 0.25). */
  medianMs: number;
  /** Requests per second per runner. */
  rps: number;
  errorRate?: number;
  windows?: number;
  seed: number;
}

/**
 * A v2 history record built by the real builder from synthetic interval records of two
 * runners in two regions (1 s windows): what the finalizer would write for such a run.
 */
export function syntheticRecord(s: SyntheticRun): HistoryRecordV2 {
  const r = rng(s.seed);
  const intervalMs = 1000;
  const windows = s.windows ?? 10;
  const testName = s.testName ?? 'synthetic';
  const records: IntervalRecord[] = [];
  for (const [region, runnerId] of [
    ['a', 'a-0'],
    ['b', 'b-0'],
  ] as const) {
    for (let w = 0; w < windows; w++) {
      const hist = emptyHistogram();
      let failed = 0;
      for (let i = 0; i < s.rps; i++) {
        observe(hist, s.medianMs * Math.exp(0.25 * gauss(r)));
        if (r() < (s.errorRate ?? 0.01)) failed++;
      }
      const base = { contains: 'default' as const, tags: { scenario: 'default' } };
      const series: Series[] = [
        { metric: 'http_req_duration', type: 'trend', contains: 'time', tags: { scenario: 'default' }, hist },
        { metric: 'http_reqs', type: 'counter', value: s.rps, ...base },
        { metric: 'iterations', type: 'counter', value: s.rps, ...base },
        { metric: 'http_req_failed', type: 'rate', nonzero: failed, total: s.rps, ...base },
      ];
      records.push({
        v: 1,
        runId: s.runId,
        region,
        runnerId,
        seq: w,
        startMs: s.startAt + w * intervalMs,
        endMs: s.startAt + (w + 1) * intervalMs,
        series,
      });
    }
  }
  const table = new MetricTable();
  for (const rec of records) table.addRecord(rec);
  const plan = {
    runId: s.runId,
    testName,
    thresholds: {},
    timing: { intervalMs },
    script: { sha256: 'synthetic' },
    regions: [
      { name: 'a', weight: 50 },
      { name: 'b', weight: 50 },
    ],
    runners: [
      { runnerId: 'a-0', region: 'a' },
      { runnerId: 'b-0', region: 'b' },
    ],
    tags: {},
  } as unknown as Plan;
  const durationMs = windows * intervalMs;
  const summary = {
    state: { testRunDurationMs: durationMs },
    metrics: {},
    fleet: { startAt: s.startAt, endAt: s.startAt + durationMs, verdict: 'passed', exitCode: 0 },
  } as unknown as Summary;
  const { regionTables, windows: wins } = tablesFromIntervals(records, s.startAt, intervalMs);
  return buildHistoryRecord({ plan, summary, table, regionTables, windows: wins });
}

/** n runs a day apart; from run `shiftAt` on the median latency is `factor` times higher. */
export function syntheticHistory(
  n: number,
  shiftAt: number,
  factor: number,
  testName = 'synthetic',
): HistoryRecordV2[] {
  const t0 = Date.UTC(2026, 0, 1);
  return Array.from({ length: n }, (_, i) =>
    syntheticRecord({
      runId: `2026${String(i).padStart(4, '0')}T000000-syn${String(i).padStart(3, '0')}`,
      testName,
      startAt: t0 + i * 86_400_000,
      medianMs: (i >= shiftAt ? factor : 1) * 50 * (1 + 0.02 * gauss(rng(1000 + i))),
      rps: 40,
      seed: i + 1,
    }),
  );
}
