/** The self-contained HTML report of a run (pure: the caller passes uPlot's assets). */

export { buildCharts, type ChartSeries, type ChartSpec, type ChartUnit, orderRegions } from './report-data';
export { type ReportData, type ReportInput, renderReportHtml } from './report-html';
export { buildServerCharts, serverSection } from './report-server';
export { type ThresholdRow, thresholdRows, thresholdStat } from './threshold-rows';
