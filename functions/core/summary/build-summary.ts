import type {
  AbortInfo,
  Anomaly,
  Plan,
  RunnerResult,
  Summary,
  SummaryMetric,
  ThresholdState,
  Verdict,
} from '../../contracts';
import type { MetricTable } from '../metrics/metric-table';
import { summaryValues } from '../metrics/summary-values';
import { parseThresholdExpression } from '../thresholds/parse-expression';
import { parseMetricSelector } from '../thresholds/parse-selector';

export interface SummaryInput {
  plan: Plan;
  table: MetricTable;
  thresholds: ThresholdState[];
  results: RunnerResult[];
  verdict: { verdict: Verdict; exitCode: number };
  abort: AbortInfo | undefined;
  startAt: number | undefined;
  endAt: number;
  /** Test run duration for per-second rates (first resume to last interval end). */
  durationMs: number;
  regionRequests: Record<string, number>;
  anomalies: Anomaly[];
}

/**
 * The fleet's end-of-test data in the shape of k6's handleSummary: every metric, every
 * submetric a threshold names, thresholds under the metric they belong to.
 */
export function buildSummary(s: SummaryInput): Summary {
  const opts = { durationMs: Math.max(1, s.durationMs), trendStats: s.plan.summaryTrendStats };
  const metrics: Record<string, SummaryMetric> = {};
  for (const name of s.table.metricNames()) {
    const sel = s.table.select(name);
    if (sel)
      metrics[name] = { type: sel.agg.type, contains: sel.contains, values: summaryValues(sel.agg, opts) };
  }
  for (const t of s.thresholds) {
    const { metric, tags } = parseMetricSelector(t.metric);
    let entry = metrics[t.metric];
    if (!entry) {
      const sel = s.table.select(metric, tags);
      const type = sel?.agg.type ?? s.table.typeOf(metric);
      if (!type) continue;
      entry = { type, contains: sel?.contains ?? 'default', values: sel ? summaryValues(sel.agg, opts) : {} };
      metrics[t.metric] = entry;
    }
    entry.thresholds = { ...entry.thresholds, [t.expr]: { ok: t.ok } };
    // As k6 does, a stat a threshold reads (e.g. p(99)) shows even when not in summaryTrendStats.
    const stat = parseThresholdExpression(t.expr).stat;
    if (t.value !== null && entry.values[stat] === undefined) entry.values[stat] = t.value;
  }

  const checks = s.table.tagValues('checks', 'check').map((name) => {
    const sel = s.table.select('checks', { check: name });
    const agg = sel?.agg.type === 'rate' ? sel.agg : { nonzero: 0, total: 0 };
    return { name, passes: agg.nonzero, fails: agg.total - agg.nonzero };
  });

  const offsets = s.results.map((r) => r.startOffsetMs).filter((o): o is number => o !== undefined);
  return {
    v: 1,
    runId: s.plan.runId,
    testName: s.plan.testName,
    state: { testRunDurationMs: s.durationMs },
    options: { summaryTrendStats: s.plan.summaryTrendStats },
    metrics,
    checks,
    fleet: {
      verdict: s.verdict.verdict,
      exitCode: s.verdict.exitCode,
      abort: s.abort,
      startAt: s.startAt ?? null,
      endAt: s.endAt,
      regions: s.plan.regions.map((r) => ({
        name: r.name,
        weight: r.weight,
        runners: r.runners,
        requests: s.regionRequests[r.name] ?? 0,
      })),
      runners: s.plan.runners.map((r) => {
        const res = s.results.find((x) => x.runnerId === r.runnerId);
        return {
          runnerId: r.runnerId,
          region: r.region,
          segment: r.segment,
          outcome: res?.outcome ?? 'missing',
          k6ExitCode: res?.k6ExitCode ?? null,
          startOffsetMs: res?.startOffsetMs ?? null,
          reason: res?.reason,
        };
      }),
      windows: s.plan.relay?.windows.length ?? 1,
      startSkewMs: offsets.length ? Math.max(...offsets.map(Math.abs)) : null,
      anomalies: s.anomalies,
      failedThresholds: s.thresholds
        .filter((t) => !t.ok)
        .sort((a, b) => (a.failedAt ?? Number.POSITIVE_INFINITY) - (b.failedAt ?? Number.POSITIVE_INFINITY))
        .map((t) => ({ metric: t.metric, expr: t.expr, failedAt: t.failedAt })),
    },
  };
}
