import type {
  Headline,
  HistoryIndexEntry,
  HistoryRecord,
  HistoryRecordV2,
  RecordMetric,
} from '../../contracts/history-record';
import type { Plan } from '../../contracts/plan';
import type { Summary } from '../../contracts/summary';
import type { MetricTable } from '../metrics/metric-table';
import { statValue } from '../metrics/summary-values';
import { parseMetricSelector } from '../thresholds/parse-selector';
import { packAggregate } from './record-aggregates';
import { type WindowTables, windowTimeline } from './window-timeline';

export interface HistoryRecordInput {
  plan: Plan;
  summary: Summary;
  /** The whole run, fleet-wide (the table summary.json was built from). */
  table: MetricTable;
  /** The whole run per region. */
  regionTables: ReadonlyMap<string, MetricTable>;
  windows: readonly WindowTables[];
  k6Version?: string | null;
  label?: string;
  gitSha?: string;
}

/** Headline numbers of a table, computed by the same functions as summary.json. */
export function headlineOf(table: MetricTable, durationMs: number): Headline {
  const stat = (metric: string, s: string) => {
    const sel = table.select(metric);
    return sel ? statValue(sel.agg, s, Math.max(durationMs, 1)) : null;
  };
  return {
    requests: stat('http_reqs', 'count') ?? 0,
    rps: stat('http_reqs', 'rate') ?? 0,
    p50: stat('http_req_duration', 'med'),
    p90: stat('http_req_duration', 'p(90)'),
    p95: stat('http_req_duration', 'p(95)'),
    p99: stat('http_req_duration', 'p(99)'),
    errorRate: stat('http_req_failed', 'rate'),
    iterations: stat('iterations', 'count') ?? 0,
    checksRate: stat('checks', 'rate'),
  };
}

function metricRecord(
  name: string,
  table: MetricTable,
  regionTables: ReadonlyMap<string, MetricTable>,
): RecordMetric | undefined {
  const all = table.select(name);
  if (!all) return undefined;
  const regions: RecordMetric['regions'] = {};
  for (const [region, t] of regionTables) {
    const sel = t.select(name);
    if (sel) regions[region] = packAggregate(sel.agg);
  }
  const scenarios: RecordMetric['scenarios'] = {};
  for (const scenario of table.tagValues(name, 'scenario')) {
    const sel = table.select(name, { scenario });
    if (sel) scenarios[scenario] = packAggregate(sel.agg);
  }
  return { type: all.type, contains: all.contains, all: packAggregate(all.agg), regions, scenarios };
}

/** The v2 history record of a finished run (pure: every input already loaded). */
export function buildHistoryRecord(input: HistoryRecordInput): HistoryRecordV2 {
  const { plan, summary, table, regionTables } = input;
  const durationMs = summary.state.testRunDurationMs;
  const metrics: HistoryRecordV2['metrics'] = {};
  for (const name of table.metricNames()) {
    const m = metricRecord(name, table, regionTables);
    if (m) metrics[name] = m;
  }
  const submetrics: HistoryRecordV2['submetrics'] = {};
  for (const selector of Object.keys(plan.thresholds)) {
    const { metric, tags } = parseMetricSelector(selector);
    if (Object.keys(tags).length === 0) continue;
    const sel = table.select(metric, tags);
    if (sel)
      submetrics[selector] = {
        metric,
        tags,
        type: sel.type,
        contains: sel.contains,
        all: packAggregate(sel.agg),
      };
  }
  const thresholds = Object.entries(summary.metrics).flatMap(([metric, m]) =>
    Object.entries(m.thresholds ?? {}).map(([expr, t]) => ({ metric, expr, ok: t.ok })),
  );
  return {
    v: 2,
    runId: plan.runId,
    testName: plan.testName,
    startAt: summary.fleet.startAt,
    endAt: summary.fleet.endAt,
    durationMs,
    verdict: summary.fleet.verdict,
    exitCode: summary.fleet.exitCode,
    ...(summary.fleet.finalizedLate ? { finalizedLate: summary.fleet.finalizedLate.reason } : {}),
    ...(input.label !== undefined ? { label: input.label } : {}),
    ...(input.gitSha !== undefined ? { gitSha: input.gitSha } : {}),
    intervalMs: plan.timing.intervalMs,
    script: { sha256: plan.script.sha256 },
    k6Version: input.k6Version ?? null,
    regions: plan.regions.map((r) => ({
      name: r.name,
      weight: r.weight,
      runners: plan.runners.filter((x) => x.region === r.name).length,
    })),
    tags: plan.tags,
    headline: headlineOf(table, durationMs),
    regionHeadlines: Object.fromEntries([...regionTables].map(([r, t]) => [r, headlineOf(t, durationMs)])),
    metrics,
    submetrics,
    thresholds,
    // A last, partial window would understate every per-second rate: only whole windows.
    timeline: windowTimeline(
      input.windows.filter((w) => w.elapsedMs <= durationMs + plan.timing.intervalMs / 4),
      plan.timing.intervalMs,
      Object.entries(submetrics).map(([selector, m]) => ({ selector, metric: m.metric, tags: m.tags })),
    ),
  };
}

/** The index entry of a record: identity and headlines only. */
export function indexEntryOf(r: HistoryRecordV2): HistoryIndexEntry {
  const { runId, testName, startAt, endAt, durationMs, verdict, exitCode, finalizedLate, label, gitSha } = r;
  return {
    v: 2,
    runId,
    testName,
    startAt,
    endAt,
    durationMs,
    verdict,
    exitCode,
    ...(finalizedLate !== undefined ? { finalizedLate } : {}),
    ...(label !== undefined ? { label } : {}),
    ...(gitSha !== undefined ? { gitSha } : {}),
    headline: r.headline,
    regionHeadlines: r.regionHeadlines,
  };
}

/** The index entry of a record of any version: a v1 line has no p50/p90/p99, iterations or checks. */
export function entryOfRecord(r: HistoryRecord): HistoryIndexEntry {
  if (r.v === 2) return indexEntryOf(r);
  const headline: Headline = {
    requests: r.requests,
    rps: r.rps,
    p50: null,
    p90: null,
    p95: r.p95,
    p99: null,
    errorRate: r.errorRate,
    iterations: 0,
    checksRate: null,
  };
  return {
    v: 2,
    runId: r.runId,
    testName: r.testName,
    startAt: r.startAt,
    endAt: (r.startAt ?? 0) + r.durationMs,
    durationMs: r.durationMs,
    verdict: r.verdict,
    exitCode: r.exitCode,
    ...(r.finalizedLate !== undefined ? { finalizedLate: r.finalizedLate } : {}),
    headline,
    regionHeadlines: {},
  };
}
