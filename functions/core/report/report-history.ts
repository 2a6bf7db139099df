import type { HistoryIndexEntry } from '../../contracts/history-record';
import { historyChangePoints, TREND_METRICS, type TrendMetric, trendValue } from '../history/history-view';
import { sparkline } from '../history/sparkline';
import { escapeHtml as esc, formatNumber } from './report-format';

/** The test's runs up to and including this one (oldest first), from the history index. */
export interface ReportHistory {
  entries: HistoryIndexEntry[];
  /** Runs of the test in all (entries may hold only the newest). */
  total: number;
}

const LABELS: Readonly<Record<TrendMetric, string>> = {
  p50: 'p50 latency',
  p95: 'p95 latency',
  p99: 'p99 latency',
  rps: 'requests/s',
  errorRate: 'error rate',
};

const value = (m: TrendMetric, v: number) =>
  m === 'errorRate'
    ? `${formatNumber(100 * v)}%`
    : m === 'rps'
      ? `${formatNumber(v)}/s`
      : `${formatNumber(v)} ms`;

/**
 * The report's History section: a sparkline per trend metric over the test's runs with the
 * change points (E-divisive means, as `k6-fleet history`) marked │, and a table of them.
 */
export function historySection(h: ReportHistory | undefined): string {
  if (!h || h.entries.length < 2) return '';
  const cps = historyChangePoints(h.entries);
  const current = h.entries.at(-1)?.runId;
  const lines = TREND_METRICS.map(
    (m) =>
      `${LABELS[m].padEnd(12)} ${sparkline(
        h.entries.map((e) => trendValue(e, m)),
        cps.filter((c) => c.metric === m).map((c) => c.index),
      )}`,
  );
  const rows = cps.map((c) => {
    const change = `${c.relChange >= 0 ? '+' : ''}${(100 * c.relChange).toFixed(1)}%`;
    const run = `<code>${esc(c.runId)}</code>${c.runId === current ? ' (this run)' : ''}`;
    return `<tr><td>${esc(LABELS[c.metric])}</td><td>${run}</td><td>${esc(value(c.metric, c.meanBefore))}</td><td>${esc(value(c.metric, c.meanAfter))}</td><td>${esc(change)}</td><td>${esc(c.pValue.toExponential(1))}</td></tr>`;
  });
  const table = rows.length
    ? `<div class="table-wrap"><table><caption>Change points</caption><thead><tr><th scope="col">Metric</th><th scope="col">First run after</th><th scope="col">Mean before</th><th scope="col">Mean after</th><th scope="col">Change</th><th scope="col">p</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`
    : `<p class="empty">No change points over these runs (E-divisive means, p &lt; 0.001${h.entries.length < 6 ? '; too few runs to find one' : ''}).</p>`;
  const shown =
    h.entries.length < h.total ? `the last ${h.entries.length} of ${h.total} runs` : `${h.total} runs`;
  return `<section id="history"><h2>History</h2>
<p>Test <code>${esc(h.entries.at(-1)?.testName ?? '')}</code>, ${esc(shown)}, oldest first; this run is the last bar. Change points (│) are searched per metric with E-divisive means and a permutation test, as Apache Otava does.</p>
<pre class="sparklines">${esc(lines.join('\n'))}</pre>
${table}</section>`;
}
