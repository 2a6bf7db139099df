import { createHash } from 'node:crypto';
import type { RollupPoint, ServerWindow, Summary } from '../../contracts';
import { jsonForScriptBlock, scriptForInline, styleForInline } from './embed';
import { type BaselineOverlay, baselineSection, buildBaselineCharts } from './report-baseline';
import { REPORT_CLIENT_JS } from './report-client';
import { costSection } from './report-cost';
import { buildCharts, type ChartSpec, orderRegions } from './report-data';
import { escapeHtml as esc } from './report-format';
import { anomaliesSection, reportHeader } from './report-header';
import { historySection, type ReportHistory } from './report-history';
import { metricsTable } from './report-metrics-table';
import { buildServerCharts, serverSection } from './report-server';
import { REPORT_CSS } from './report-style';
import { checksTable, runnersTable, thresholdsTable } from './report-tables';

export interface ReportInput {
  summary: Summary;
  /** The watcher's rollups over the run (RunStatus.current of every tick). */
  timeline: RollupPoint[];
  /** What the controller read from the server, per window (runs with serverMetrics). */
  server?: ServerWindow[];
  /** uPlot's browser build and stylesheet, inlined so the file needs no network. */
  uplot: { js: string; css: string };
  /** Runs with --baseline: the two history records whose timelines the Baseline section overlays. */
  overlay?: BaselineOverlay;
  /** The test's latest runs, this one last: the History section's trend and change points. */
  history?: ReportHistory;
}

/** What the page's `<script type="application/json" id="report-data">` holds. */
export interface ReportData {
  summary: Summary;
  charts: ChartSpec[];
}

function cspHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

function chartsSection(allCharts: ChartSpec[]): string {
  // Server and baseline charts have their own sections.
  const charts = allCharts.filter((c) => !c.id.startsWith('server-') && !c.id.startsWith('baseline-'));
  if (charts[0]?.x.length === 0) {
    return '<section><h2>Over time</h2><p class="empty">No timeline was recorded for this run.</p></section>';
  }
  const figures = charts.map(
    (c) =>
      `<figure class="chart" data-chart="${esc(c.id)}"><figcaption>${esc(c.title)}</figcaption><div class="chart-canvas"></div></figure>`,
  );
  return `<section><h2>Over time</h2>
<noscript><p class="empty">The charts need JavaScript; every table in this report does not.</p></noscript>
<div class="charts">${figures.join('\n')}</div></section>`;
}

/** One self-contained HTML report of a finished run: no request leaves the file. */
export function renderReportHtml(input: ReportInput): string {
  const { summary, timeline, uplot } = input;
  const regions = orderRegions(
    summary.fleet.regions.map((r) => r.name),
    timeline,
  );
  const serverCharts = summary.fleet.server
    ? buildServerCharts(timeline, input.server ?? [], summary.fleet.correlations ?? [])
    : [];
  const baselineCharts = input.overlay && summary.fleet.comparison ? buildBaselineCharts(input.overlay) : [];
  const data: ReportData = {
    summary,
    charts: [...buildCharts(timeline, regions), ...serverCharts, ...baselineCharts],
  };
  const uplotJs = scriptForInline(uplot.js);
  const clientJs = scriptForInline(REPORT_CLIENT_JS);
  // Only these two scripts may run and nothing may be fetched, whatever the data holds.
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(uplotJs)} ${cspHash(clientJs)}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<title>${esc(`${summary.testName} — k6-fleet report`)}</title>
<style>${styleForInline(uplot.css)}</style>
<style>${styleForInline(REPORT_CSS)}</style>
</head>
<body>
<main>
${reportHeader(summary)}
<section><h2>Thresholds</h2>${thresholdsTable(summary)}</section>
${baselineSection(summary, baselineCharts)}
${historySection(input.history)}
${chartsSection(data.charts)}
${serverSection(summary, serverCharts)}
${anomaliesSection(summary)}
<section><h2>Checks</h2>${checksTable(summary)}</section>
<section><h2>Metrics</h2>${metricsTable(summary)}</section>
<section><h2>Runners</h2>${runnersTable(summary)}</section>
${costSection(summary)}
</main>
<script type="application/json" id="report-data">${jsonForScriptBlock(data)}</script>
<script>${uplotJs}</script>
<script>${clientJs}</script>
</body>
</html>
`;
}
