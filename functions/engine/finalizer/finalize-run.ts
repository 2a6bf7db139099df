import { loadUplotAssets } from '../../adapters/report/uplot-assets';
import type { MetricsSink } from '../../adapters/sinks/metrics-sink';
import { writeHistory } from '../../adapters/store/history-store';
import { loadPlan } from '../../adapters/store/plan-store';
import { getJson, putJson, type RunStore } from '../../adapters/store/run-store';
import { loadServerWindows } from '../../adapters/store/server-window-store';
import { type RollupPoint, RollupPointSchema, runKeys, type Summary } from '../../contracts';
import { addSinkDelivery, WatchStateSchema } from '../../contracts/watch-state';
import { AWS_PRICES } from '../../core/cost/aws-price-table';
import { estimateRunCost } from '../../core/cost/estimate-run-cost';
import { runFactsOfRun } from '../../core/cost/run-facts';
import { MetricTable } from '../../core/metrics/metric-table';
import { statValue } from '../../core/metrics/summary-values';
import { renderReportHtml } from '../../core/report/report-html';
import { buildSummary } from '../../core/summary/build-summary';
import { ThresholdEvaluator } from '../../core/thresholds/evaluate';
import { KNOWN_METRIC_TYPES } from '../../core/thresholds/metric-types';
import { decideVerdict } from '../../core/verdict/verdict';
import { addComparison, reportHistory } from './compare-with-baseline';
import { buildRunRecord } from './record-history';
import { addServerSummary } from './server-summary-step';

export interface FinalizeResult {
  summary: Summary;
  summaryKey: string;
  reportKey: string;
}

/**
 * Ends a run: thresholds judged once more on the complete merged data, summary.json in
 * k6's handleSummary shape, a self-contained report.html, and a line in the history index.
 */
export async function finalizeRun(
  store: RunStore,
  runId: string,
  opts: {
    sink?: MetricsSink;
    /** A late finalize (k6-fleet finalize): marks summary, report and history with why. */
    late?: { at: number; reason: string };
  } = {},
): Promise<FinalizeResult> {
  const keys = runKeys(runId);
  const plan = await loadPlan(store, runId);
  const state = await getJson(store, keys.watchState, (v) => WatchStateSchema.parse(v));
  if (!state) throw new Error(`run ${runId} was never watched: no ${keys.watchState}`);
  const table = state.table ? MetricTable.fromJSON(state.table as never) : new MetricTable();

  const startAt = state.startAt;
  const endAt = state.finishedAt ?? Date.now();
  const durationMs = startAt !== undefined ? Math.max(0, (state.lastEndMs ?? endAt) - startAt) : 0;
  const evaluator = state.thresholds
    ? ThresholdEvaluator.fromJSON(plan.thresholds, state.thresholds)
    : new ThresholdEvaluator(plan.thresholds);
  // The end-of-test judgement, as k6 makes it: on all data, empty metrics compared as k6 does.
  const judged = evaluator.evaluate(
    endAt,
    durationMs,
    (metric, tags, stat) => {
      const sel = table.select(metric, tags);
      return sel ? statValue(sel.agg, stat, Math.max(durationMs, 1)) : null;
    },
    { final: true, metricType: (m) => table.typeOf(m) ?? KNOWN_METRIC_TYPES[m]?.type },
  );
  const results = Object.values(state.results);
  const verdict = decideVerdict({
    abort: state.abort,
    results,
    missingRunners: plan.runners.filter((r) => !state.results[r.runnerId]).map((r) => r.runnerId),
    thresholdsFailed: judged.states.some((t) => !t.ok),
  });
  const summary = buildSummary({
    plan,
    table,
    thresholds: judged.states,
    results,
    verdict,
    abort: state.abort,
    startAt,
    endAt,
    durationMs,
    regionRequests: state.regionRequests,
    anomalies: state.anomalies,
  });
  if (opts.late) summary.fleet.finalizedLate = opts.late;
  const sink = opts.sink;
  if (sink) {
    const before = sink.stats();
    await sink.writeSummary(summary);
    await sink.flush();
    addSinkDelivery(state.sinks, sink.name, before, sink.stats());
  }
  if (Object.keys(state.sinks).length) summary.fleet.sinks = state.sinks;
  if (plan.serverMetrics?.length) await addServerSummary(store, plan, state.server, summary);
  const timeline = await loadTimeline(store, runId);
  const assumptions: string[] = [];
  const facts = runFactsOfRun(plan, summary, results, timeline.length, assumptions);
  summary.fleet.cost = estimateRunCost(facts, AWS_PRICES, assumptions);
  const record = await buildRunRecord(store, { plan, summary, table, startAt });
  const baseline = await addComparison(store, plan, summary, record);
  await putJson(store, keys.summary, summary);

  const server = plan.serverMetrics?.length ? await loadServerWindows(store, runId) : undefined;
  const html = renderReportHtml({
    summary,
    timeline,
    server,
    uplot: await loadUplotAssets(),
    ...(baseline ? { overlay: { baseline, current: record } } : {}),
    history: await reportHistory(store, record),
  });
  await store.put(keys.report, html, 'text/html; charset=utf-8');

  await writeHistory(store, record);
  return { summary, summaryKey: keys.summary, reportKey: keys.report };
}

export async function loadTimeline(store: RunStore, runId: string): Promise<RollupPoint[]> {
  const keys = await store.list(runKeys(runId).timelinePrefix);
  const points = await Promise.all(keys.map((k) => getJson(store, k, (v) => RollupPointSchema.parse(v))));
  return points.filter((p): p is RollupPoint => p !== undefined).sort((a, b) => a.elapsedMs - b.elapsedMs);
}
