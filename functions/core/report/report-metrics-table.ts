import type { Summary, SummaryMetric } from '../../contracts';
import { escapeHtml as esc, formatNumber, formatStat } from './report-format';

/** k6's order of stats per metric type; trends follow the test's summaryTrendStats. */
function statOrder(metric: SummaryMetric, trendStats: readonly string[]): string[] {
  const preferred =
    metric.type === 'trend'
      ? trendStats
      : metric.type === 'counter'
        ? ['count', 'rate']
        : metric.type === 'rate'
          ? ['rate', 'passes', 'fails']
          : ['value', 'min', 'max'];
  const present = preferred.filter((s) => s in metric.values);
  // Trends show only the configured stats, as k6 does; other types show whatever is there.
  if (metric.type === 'trend' && present.length > 0) return present;
  return [...present, ...Object.keys(metric.values).filter((s) => !present.includes(s))];
}

/** `http_req_duration{status:200}` sorts right under `http_req_duration`. */
function byParentThenName(a: string, b: string): number {
  const pa = a.split('{')[0]!;
  const pb = b.split('{')[0]!;
  return pa === pb ? a.localeCompare(b) : pa.localeCompare(pb);
}

function valuesCell(metric: SummaryMetric, trendStats: readonly string[]): string {
  const v = metric.values;
  if (metric.type === 'rate' && v.rate !== undefined && v.passes !== undefined && v.fails !== undefined) {
    const total = v.passes + v.fails;
    return `${formatStat('rate', v.rate, metric.contains, 'rate')} <span class="muted">${formatNumber(v.passes, 0)} out of ${formatNumber(total, 0)}</span>`;
  }
  return statOrder(metric, trendStats)
    .map((stat) => {
      const text = formatStat(stat, v[stat]!, metric.contains, metric.type);
      return `<span class="stat"><span class="muted">${esc(stat)}=</span>${esc(text)}</span>`;
    })
    .join(' ');
}

/** Every metric with its final values, like k6's end-of-test summary. */
export function metricsTable(summary: Summary): string {
  const names = Object.keys(summary.metrics).sort(byParentThenName);
  if (names.length === 0) return '<p class="empty">No metrics were recorded.</p>';
  const trendStats = summary.options.summaryTrendStats;
  const rows = names.map((name) => {
    const m = summary.metrics[name]!;
    const thresholds = Object.values(m.thresholds ?? {});
    const mark =
      thresholds.length === 0
        ? ''
        : thresholds.every((t) => t.ok)
          ? '<span class="ok" aria-label="thresholds passed">✓</span> '
          : '<span class="fail" aria-label="a threshold failed">✗</span> ';
    const cls = name.includes('{') ? ' class="submetric"' : '';
    return `<tr${cls}><th scope="row">${mark}<code>${esc(name)}</code></th><td>${esc(m.type)}</td><td>${valuesCell(m, trendStats)}</td></tr>`;
  });
  return `<div class="table-wrap"><table class="metrics"><caption>Metrics</caption><thead><tr><th scope="col">Metric</th><th scope="col">Type</th><th scope="col">Values</th></tr></thead>\n<tbody>${rows.join('\n')}</tbody></table></div>`;
}
