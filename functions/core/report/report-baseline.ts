import type { ComparisonData, Summary } from '../../contracts';
import { FLEET, type HistoryRecordV2, timelineKey } from '../../contracts/history-record';
import type { ChartSpec, ChartUnit } from './report-data';
import { escapeHtml as esc, formatNumber } from './report-format';

/** The two runs whose per-window values the baseline charts overlay. */
export interface BaselineOverlay {
  baseline: HistoryRecordV2;
  current: HistoryRecordV2;
}

const CURRENT_COLOUR = '#0072B2';
const BASELINE_COLOUR = '#6b7280';

/**
 * The baseline's value in each of this run's windows: its window nearest in elapsed time
 * (within one interval), so runs with shifted window edges still line up.
 */
function alignedValues(o: BaselineOverlay, key: string, scale: number): (number | null)[] {
  const bx = o.baseline.timeline.elapsedMs;
  const bv = o.baseline.timeline.series[key] ?? [];
  const tolerance = Math.max(o.baseline.intervalMs, o.current.intervalMs);
  let j = 0;
  return o.current.timeline.elapsedMs.map((t) => {
    while (j + 1 < bx.length && Math.abs((bx[j + 1] as number) - t) <= Math.abs((bx[j] as number) - t)) j++;
    const v = bv[j];
    return bx.length && Math.abs((bx[j] as number) - t) <= tolerance && v != null ? v * scale : null;
  });
}

/** This run's charts over the baseline's, by elapsed time: p95 latency, requests/s, errors. */
export function buildBaselineCharts(o: BaselineOverlay): ChartSpec[] {
  const x = o.current.timeline.elapsedMs.map((ms) => ms / 1000);
  const chart = (id: string, title: string, unit: ChartUnit, metric: string, stat: string, scale = 1) => {
    const key = timelineKey(metric, stat, FLEET);
    const mine = (o.current.timeline.series[key] ?? []).map((v) => (v == null ? null : v * scale));
    return {
      id,
      title,
      unit,
      x,
      series: [
        { label: `this run ${o.current.runId}`, colour: CURRENT_COLOUR, width: 2.5, values: mine },
        {
          label: `baseline ${o.baseline.runId}`,
          colour: BASELINE_COLOUR,
          width: 2,
          dash: [6, 4],
          values: alignedValues(o, key, scale),
        },
      ],
    };
  };
  return [
    chart(
      'baseline-latency',
      'Request latency p95: this run and the baseline',
      'ms',
      'http_req_duration',
      'p(95)',
    ),
    chart(
      'baseline-requests',
      'Requests per second: this run and the baseline',
      'per-second',
      'http_reqs',
      'rate',
    ),
    chart(
      'baseline-errors',
      'Error rate: this run and the baseline',
      'percent',
      'http_req_failed',
      'rate',
      100,
    ),
  ];
}

const CLASS_MARK: Record<string, string> = {
  pass: '<span class="ok">pass</span>',
  marginal: '<strong>marginal</strong>',
  fail: '<span class="fail">FAIL</span>',
};

const num = (v: number | null) => (v === null ? '—' : formatNumber(v, Math.abs(v) < 10 ? 3 : 1));

function regressionTable(c: ComparisonData): string {
  // Fleet-wide rows always; per region and scenario only what is not a pass.
  const rows = c.metrics.filter((r) => r.region === FLEET || r.classification !== 'pass');
  const body = rows
    .map((r) => {
      const where = r.scenario ? `scenario ${r.scenario}` : r.region === FLEET ? 'fleet' : r.region;
      const change = r.changePct === null ? '—' : `${r.changePct >= 0 ? '+' : ''}${r.changePct.toFixed(1)}%`;
      const p = r.pValue < 0.001 ? r.pValue.toExponential(1) : r.pValue.toFixed(3);
      const cells = [
        `<code>${esc(`${r.metric} ${r.stat}`)}</code>`,
        esc(where),
        esc(num(r.baseline)),
        esc(num(r.current)),
        esc(change),
        esc(p),
        CLASS_MARK[r.classification] ?? esc(r.classification),
      ];
      return `<tr>${cells.map((x) => `<td>${x}</td>`).join('')}</tr>`;
    })
    .join('\n');
  const head = ['Metric', 'Where', 'Baseline', 'This run', 'Change', 'p', 'Class']
    .map((h) => `<th scope="col">${h}</th>`)
    .join('');
  return `<div class="table-wrap"><table><caption>Regression table</caption><thead><tr>${head}</tr></thead>\n<tbody>${body}</tbody></table></div>`;
}

/** The report's Baseline section: verdict, regression table, overlaid charts. */
export function baselineSection(summary: Summary, charts: ChartSpec[]): string {
  if (summary.fleet.comparisonError)
    return `<section><h2>Baseline</h2><p class="empty">${esc(`No comparison: ${summary.fleet.comparisonError}`)}</p></section>`;
  const c = summary.fleet.comparison;
  if (!c) return '';
  const count = (k: string) => c.metrics.filter((r) => r.classification === k).length;
  const figures = charts.map(
    (ch) =>
      `<figure class="chart" data-chart="${esc(ch.id)}"><figcaption>${esc(ch.title)}</figcaption><div class="chart-canvas"></div></figure>`,
  );
  return `<section id="baseline"><h2>Baseline</h2>
<p>Compared with run <code>${esc(c.baselineRunId)}</code>${c.ref && c.ref !== c.baselineRunId ? ` (--baseline ${esc(c.ref)})` : ''}: verdict ${CLASS_MARK[c.verdict]} — ${count('fail')} fail, ${count('marginal')} marginal, ${count('pass')} pass (score ${c.score.toFixed(0)}%)${c.failOnRegression && c.verdict === 'fail' ? '; --fail-on-regression made the exit code 99' : ''}.
A row fails when its change goes the worse way beyond the tolerance and both the whole-run quantile test and the per-window Mann–Whitney test find it significant (README, "Comparing runs").</p>
${regressionTable(c)}
<div class="charts">${figures.join('\n')}</div></section>`;
}
