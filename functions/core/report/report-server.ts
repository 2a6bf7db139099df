import type { Correlation, RollupPoint, ServerWindow, Summary } from '../../contracts';
import { formatR } from '../server-metrics/correlation-sentences';
import { serverSeries } from '../server-metrics/run-correlations';
import type { ChartSpec, ChartUnit } from './report-data';
import { escapeHtml as esc, formatNumber } from './report-format';

/** Server series charted in the report: the strongest correlates, then the rest, up to this many. */
const MAX_SERVER_CHARTS = 6;
const SERVER_COLOUR = '#CC79A7';
const LATENCY_COLOUR = '#0072B2';
const ERROR_COLOUR = '#D55E00';

function unitOf(series: string): ChartUnit {
  return /_bytes\b/.test(series) && !series.startsWith('rate(') ? 'bytes' : 'count';
}

/**
 * One chart per chosen server series, on the timeline's x (seconds since start), with
 * p95 latency and the error rate on a second axis: the reader sees at a glance whether
 * the pool's queue and the latency rise together.
 */
export function buildServerCharts(
  timeline: readonly RollupPoint[],
  windows: readonly ServerWindow[],
  correlations: readonly Correlation[],
): ChartSpec[] {
  const points = [...timeline].sort((a, b) => a.elapsedMs - b.elapsedMs);
  const x = points.map((p) => p.elapsedMs / 1000);
  const series = serverSeries(windows, points.length);
  const order = [...new Set([...correlations.map((c) => c.series), ...series.map((s) => s.name)])];
  const chosen = order.flatMap((name) => series.filter((s) => s.name === name)).slice(0, MAX_SERVER_CHARTS);
  return chosen.map((s, i) => ({
    id: `server-${i}`,
    title: s.name,
    unit: unitOf(s.name),
    y2Unit: 'ms',
    x,
    series: [
      { label: s.name, colour: SERVER_COLOUR, width: 2.5, values: s.values.map((v) => v ?? null) },
      {
        label: 'p95 latency',
        colour: LATENCY_COLOUR,
        width: 1.5,
        dash: [6, 4],
        axis: 2,
        values: points.map((p) => p.global.p95),
      },
      {
        label: 'error rate ×1000',
        colour: ERROR_COLOUR,
        width: 1,
        dash: [2, 3],
        axis: 2,
        // Per mille on the latency axis: visible next to ms without a third axis.
        values: points.map((p) => (p.global.errorRate === null ? null : p.global.errorRate * 1000)),
      },
    ],
  }));
}

/** The report's Server section: sources and their scrape health, charts, the correlation table. */
export function serverSection(summary: Summary, charts: readonly ChartSpec[]): string {
  const server = summary.fleet.server;
  if (server === undefined) return '';
  const sources = server.sources
    .map(
      (s) =>
        `<tr><td><code>${esc(s.source)}</code></td><td>${s.scrapes}</td><td>${s.failures}</td><td>${esc(s.lastError ?? '')}</td></tr>`,
    )
    .join('\n');
  const figures = charts.map(
    (c) =>
      `<figure class="chart" data-chart="${esc(c.id)}"><figcaption>${esc(c.title)} · p95 latency (ms) and error rate (‰), right axis</figcaption><div class="chart-canvas"></div></figure>`,
  );
  const rows = (summary.fleet.correlations ?? [])
    .slice(0, 20)
    .map(
      (c) =>
        `<tr><td><code>${esc(c.series)}</code></td><td><code>${esc(c.metric)}</code></td><td>${esc(formatR(c.r))}</td><td>${esc(formatR(c.spearman))}</td><td>${esc(lag(c.lagSeconds))}</td><td>${c.windows}</td></tr>`,
    );
  const table =
    rows.length === 0
      ? '<p class="empty">No server series varied enough, over enough windows, to correlate.</p>'
      : `<div class="table-wrap"><table class="correlations"><caption>Server series against k6, by |r|</caption><thead><tr><th scope="col">Server series</th><th scope="col">k6 metric</th><th scope="col">Pearson r</th><th scope="col">Spearman</th><th scope="col">Lag</th><th scope="col">Windows</th></tr></thead>\n<tbody>${rows.join('\n')}</tbody></table></div>`;
  return `<section id="server"><h2>Server</h2>
<div class="table-wrap"><table><caption>Server metric sources</caption><thead><tr><th scope="col">Source</th><th scope="col">Scrapes</th><th scope="col">Failures</th><th scope="col">Last error</th></tr></thead>
<tbody>${sources}</tbody></table></div>
${figures.length ? `<div class="charts">${figures.join('\n')}</div>` : ''}
${table}</section>`;
}

function lag(seconds: number): string {
  if (seconds === 0) return 'same window';
  return seconds > 0
    ? `server leads by ${formatNumber(seconds)} s`
    : `server lags by ${formatNumber(-seconds)} s`;
}
