/** The report's stylesheet: light theme, readable tables, a responsive chart grid.
 * Colours meet WCAG AA contrast on white. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1f2937; --muted: #4b5563; --line: #d1d5db; --soft: #f3f4f6;
  --ok: #1a7f37; --fail: #cf222e; --warn: #9a3412; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 26px; margin: 0 0 8px; overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.eyebrow { margin: 0; color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .06em; }
.muted { color: var(--muted); }
.verdict { display: inline-block; padding: 3px 12px; border-radius: 999px; color: #fff; font-weight: 600; }
.verdict-passed { background: var(--ok); }
.verdict-thresholds-failed, .verdict-failed { background: var(--fail); }
.verdict-aborted { background: var(--warn); }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 8px 24px; margin: 16px 0 0; }
.facts div { min-width: 0; }
.facts .wide { grid-column: 1 / -1; }
.facts dt { color: var(--muted); font-size: 13px; }
.facts dd { margin: 0; }
.inline-list { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 28px; }
.ok { color: var(--ok); font-weight: 700; }
.fail { color: var(--fail); font-weight: 700; }
.outcome-ok { color: var(--ok); }
.outcome-bad { color: var(--fail); font-weight: 600; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
/* Each table sits under an h2 of the same name: the caption is for screen readers only. */
caption { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
thead th { background: var(--soft); font-weight: 600; }
tbody th { font-weight: 400; white-space: nowrap; }
tr.submetric th { padding-left: 28px; }
.stat { white-space: nowrap; margin-right: 10px; }
td code, th code { white-space: nowrap; overflow-wrap: normal; }
.empty { color: var(--muted); font-style: italic; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 540px), 1fr)); gap: 20px; }
.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 12px; min-width: 0; }
.chart figcaption { font-weight: 600; margin-bottom: 6px; }
.chart-canvas { width: 100%; min-height: 200px; overflow: hidden; }
.chart .u-legend { font-size: 13px; text-align: left; }
.chart .u-legend .u-series { padding: 2px 6px; }
@media print { .chart { break-inside: avoid; } }
`;
