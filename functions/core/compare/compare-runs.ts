import {
  FLEET,
  type HistoryRecordV2,
  type RecordAggregate,
  timelineKey,
} from '../../contracts/history-record';
import type { MetricType, ValueType } from '../../contracts/metrics';
import { unpackAggregate } from '../history/record-aggregates';
import { REGION_METRICS, WINDOW_TREND_STATS } from '../history/window-timeline';
import { statValue } from '../metrics/summary-values';
import { type Classification, classifyRow, overallVerdict, passScore } from './classify-row';
import { type DirectionRule, directionRule } from './direction-rules';
import { hodgesLehmann, mannWhitney } from './mann-whitney';
import { quantileShift, twoProportionTest } from './quantile-shift';
import { compareServerSides, type ServerComparison } from './server-comparison';

/** Fewer windows than this per run and the per-window test is left out (it would have no power). */
export const MIN_WINDOWS = 5;

const QUANTILE: Readonly<Record<string, number>> = { med: 0.5, 'p(90)': 0.9, 'p(95)': 0.95, 'p(99)': 0.99 };

export interface ComparisonRow {
  metric: string;
  stat: string;
  /** FLEET ('*') for the whole fleet. */
  region: string;
  scenario?: string;
  baseline: number | null;
  current: number | null;
  changePct: number | null;
  /** The row's p-value: the larger of the whole-run and per-window tests (both must agree to fail). */
  pValue: number;
  /** null for counters (no exact whole-run test: the per-window test decides). */
  wholeRunPValue: number | null;
  windowsPValue: number | null;
  /** Rank-biserial correlation of the per-window values (−1..1; + means current larger). */
  effectSize: number | null;
  /** Hodges–Lehmann shift of the per-window values with its 95% interval. */
  shift: { estimate: number; lower: number | null; upper: number | null } | null;
  /** 95% interval of the whole-run change (quantile or proportion), when the test gives one. */
  interval: { lower: number; upper: number } | null;
  worse: DirectionRule['worse'];
  classification: Classification;
}

export interface Comparison {
  verdict: Classification;
  /** Share of rows that pass, in percent (Kayenta's score). */
  score: number;
  baselineRunId: string;
  runId: string;
  testName: string;
  metrics: ComparisonRow[];
  /** Both runs' server metrics side by side, when both read some. */
  server?: ServerComparison;
}

interface Side {
  agg: RecordAggregate;
  windows: Array<number | null> | undefined;
  durationMs: number;
}

const finite = (xs: ReadonlyArray<number | null> | undefined) =>
  (xs ?? []).filter((v): v is number => v !== null && Number.isFinite(v));

function statsOf(type: MetricType): readonly string[] {
  if (type === 'trend') return WINDOW_TREND_STATS;
  if (type === 'rate' || type === 'counter') return ['rate'];
  return [];
}

function wholeRun(
  type: MetricType,
  stat: string,
  b: Side,
  c: Side,
): {
  baseline: number | null;
  current: number | null;
  p: number | null;
  interval: ComparisonRow['interval'];
} {
  const ab = unpackAggregate(type, b.agg);
  const ac = unpackAggregate(type, c.agg);
  if (!ab || !ac) return { baseline: null, current: null, p: 1, interval: null };
  const baseline = statValue(ab, stat, Math.max(b.durationMs, 1));
  const current = statValue(ac, stat, Math.max(c.durationMs, 1));
  if (ab.type === 'trend' && ac.type === 'trend') {
    const s = quantileShift(ab.hist, ac.hist, QUANTILE[stat] ?? 0.5);
    const interval = s.lower !== null && s.upper !== null ? { lower: s.lower, upper: s.upper } : null;
    return { baseline, current, p: s.pValue, interval };
  }
  if (ab.type === 'rate' && ac.type === 'rate') {
    const t = twoProportionTest(ab.nonzero, ab.total, ac.nonzero, ac.total);
    return { baseline, current, p: t.pValue, interval: { lower: t.lower, upper: t.upper } };
  }
  // Counters: a rate per second has no exact whole-run test; the per-window test decides.
  return { baseline, current, p: null, interval: null };
}

function row(
  key: { metric: string; stat: string; region: string; scenario?: string },
  type: MetricType,
  rule: DirectionRule,
  b: Side,
  c: Side,
): ComparisonRow {
  const whole = wholeRun(type, key.stat, b, c);
  const wb = finite(b.windows);
  const wc = finite(c.windows);
  const enough = wb.length >= MIN_WINDOWS && wc.length >= MIN_WINDOWS;
  const mw = enough ? mannWhitney(wb, wc) : null;
  const hl = enough ? hodgesLehmann(wb, wc) : null;
  const windowsP = mw?.pValue ?? null;
  const { classification, pValue } = classifyRow(rule, {
    baseline: whole.baseline,
    current: whole.current,
    wholeRunP: whole.p,
    windowsP,
  });
  const changePct =
    whole.baseline !== null && whole.current !== null && whole.baseline !== 0
      ? (100 * (whole.current - whole.baseline)) / Math.abs(whole.baseline)
      : null;
  return {
    ...key,
    baseline: whole.baseline,
    current: whole.current,
    changePct,
    pValue,
    wholeRunPValue: whole.p,
    windowsPValue: windowsP,
    effectSize: mw?.rankBiserial ?? null,
    shift: hl,
    interval: whole.interval,
    worse: rule.worse,
    classification,
  };
}

/** Why two records cannot be compared, or null. Different tests compare only when forced. */
export function incomparableReason(
  baseline: HistoryRecordV2,
  current: HistoryRecordV2,
  force: boolean,
): string | null {
  if (baseline.runId === current.runId)
    return `both run ids are ${current.runId}: compare a run with another one`;
  if (baseline.testName !== current.testName && !force)
    return `run ${baseline.runId} is test "${baseline.testName}" and run ${current.runId} is test "${current.testName}" (use --force to compare different tests)`;
  const shared = Object.keys(current.metrics).filter(
    (m) => baseline.metrics[m]?.type === current.metrics[m]?.type,
  );
  if (shared.length === 0) return `runs ${baseline.runId} and ${current.runId} have no metric in common`;
  return null;
}

/**
 * Compares a run with a baseline run, metric by metric: every trend at med/p90/p95/p99,
 * every rate and counter (per second), fleet-wide, per region and per scenario present in
 * both, and every submetric a threshold of either run names.
 */
export function compareRuns(
  baseline: HistoryRecordV2,
  current: HistoryRecordV2,
  overrides: Readonly<Record<string, Partial<DirectionRule>>> = {},
): Comparison {
  const rows: ComparisonRow[] = [];
  const side = (r: HistoryRecordV2, agg: RecordAggregate, key: string | undefined): Side => ({
    agg,
    windows: key ? r.timeline.series[key] : undefined,
    durationMs: r.durationMs,
  });
  const add = (
    metric: string,
    type: MetricType,
    contains: ValueType,
    where: { region: string; scenario?: string },
    ab: RecordAggregate,
    ac: RecordAggregate,
    timeline: boolean,
  ) => {
    const rule = directionRule(metric.replace(/\{.*$/, ''), type, contains, overrides);
    if (rule.worse === 'none') return;
    for (const stat of statsOf(type)) {
      const key = timeline ? timelineKey(metric, stat, where.region) : undefined;
      rows.push(row({ metric, stat, ...where }, type, rule, side(baseline, ab, key), side(current, ac, key)));
    }
  };
  for (const [name, mc] of Object.entries(current.metrics)) {
    const mb = baseline.metrics[name];
    if (!mb || mb.type !== mc.type) continue;
    add(name, mc.type, mc.contains, { region: FLEET }, mb.all, mc.all, true);
    // Per region: the metrics whose per-window values are kept per region.
    for (const [region, ac] of REGION_METRICS.has(name) ? Object.entries(mc.regions) : []) {
      const ab = mb.regions[region];
      if (ab) add(name, mc.type, mc.contains, { region }, ab, ac, true);
    }
    for (const [scenario, ac] of Object.entries(mc.scenarios)) {
      const ab = mb.scenarios[scenario];
      // One scenario only: its rows would repeat the fleet's.
      if (ab && Object.keys(mc.scenarios).length > 1)
        add(name, mc.type, mc.contains, { region: FLEET, scenario }, ab, ac, false);
    }
  }
  for (const [selector, sc] of Object.entries(current.submetrics)) {
    const sb = baseline.submetrics[selector];
    if (sb && sb.type === sc.type)
      add(selector, sc.type, sc.contains, { region: FLEET }, sb.all, sc.all, false);
  }
  return {
    verdict: overallVerdict(rows),
    score: passScore(rows),
    baselineRunId: baseline.runId,
    runId: current.runId,
    testName: current.testName,
    metrics: rows,
    ...withServer(compareServerSides(baseline, current)),
  };
}

const withServer = (server: ServerComparison | undefined) => (server ? { server } : {});
