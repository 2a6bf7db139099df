import type { Summary, SummaryMetric } from '../../contracts';
import { formatMetricValue, formatNumber, formatPercent } from './format';
import { type Colors, type Row, renderRows } from './format-rows';
import { FAIL, formatPerSecond, INDENT, OK, parentName, sortMetricNames } from './summary-layout';

// The TOTAL RESULTS section of the text summary: checks, then the metric groups, as k6 v2.

const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
/** Section of k6's TOTAL RESULTS each built-in metric belongs to; the rest is CUSTOM. */
const SECTION_BY_METRIC: Record<string, string> = {
  http_reqs: 'HTTP',
  http_req_failed: 'HTTP',
  http_req_duration: 'HTTP',
  http_req_blocked: 'HTTP',
  http_req_connecting: 'HTTP',
  http_req_tls_handshaking: 'HTTP',
  http_req_sending: 'HTTP',
  http_req_waiting: 'HTTP',
  http_req_receiving: 'HTTP',
  vus: 'EXECUTION',
  vus_max: 'EXECUTION',
  iterations: 'EXECUTION',
  iteration_duration: 'EXECUTION',
  dropped_iterations: 'EXECUTION',
  data_sent: 'NETWORK',
  data_received: 'NETWORK',
};
/** k6's order: CUSTOM first, then the protocol sections. */
const SECTION_ORDER = ['CUSTOM', 'HTTP', 'EXECUTION', 'NETWORK', 'BROWSER', 'WEBVITALS', 'GRPC', 'WEBSOCKET'];
/** Never listed under TOTAL RESULTS: checks get their own block, groups are not broken down. */
const ALWAYS_HIDDEN = new Set(['checks', 'group_duration']);
/** Also hidden in compact mode, as k6 does. */
const COMPACT_HIDDEN = new Set([
  'http_req_blocked',
  'http_req_connecting',
  'http_req_receiving',
  'http_req_sending',
  'http_req_tls_handshaking',
  'http_req_waiting',
]);

export function totalResultsSection(s: Summary, c: Colors, mode: 'compact' | 'full'): string[] {
  const lines = checksBlock(s, c);
  const bySection = new Map<string, string[]>();
  for (const name of sortMetricNames(Object.keys(s.metrics))) {
    const base = parentName(name);
    if (ALWAYS_HIDDEN.has(base) || (mode === 'compact' && COMPACT_HIDDEN.has(base))) continue;
    const section = sectionOf(base);
    bySection.set(section, [...(bySection.get(section) ?? []), name]);
  }
  const trendStats =
    s.options.summaryTrendStats.length > 0 ? s.options.summaryTrendStats : DEFAULT_TREND_STATS;
  const headings: number[] = [];
  const rows: Row[] = [];
  for (const section of SECTION_ORDER) {
    const names = bySection.get(section);
    if (!names) continue;
    headings.push(rows.length);
    for (const name of names) rows.push(metricRow(name, s.metrics[name]!, trendStats));
  }
  // One alignment across all groups, as k6 lays out TOTAL RESULTS.
  const rendered = renderRows(rows, c);
  SECTION_ORDER.filter((sec) => bySection.has(sec)).forEach((section, i) => {
    const from = headings[i]!;
    const to = headings[i + 1] ?? rows.length;
    lines.push(`${' '.repeat(INDENT)}${c.bold(section)}`, ...rendered.slice(from, to), '');
  });
  return lines.length > 0 && lines.at(-1) === '' ? lines.slice(0, -1) : lines;
}

function checksBlock(s: Summary, c: Colors): string[] {
  const values = s.metrics.checks?.values;
  const passes = values?.passes ?? s.checks.reduce((n, x) => n + x.passes, 0);
  const fails = values?.fails ?? s.checks.reduce((n, x) => n + x.fails, 0);
  const total = passes + fails;
  if (total === 0 && s.checks.length === 0) return [];
  const seconds = s.state.testRunDurationMs / 1000;
  const rows: Row[] = [
    {
      indent: INDENT,
      name: 'checks_total',
      value: formatNumber(total),
      extras: [`${formatNumber(seconds > 0 ? total / seconds : 0)}/s`],
    },
    {
      indent: INDENT,
      name: 'checks_succeeded',
      value: formatPercent(passes / total),
      extras: [`${passes} out of ${total}`],
    },
    {
      indent: INDENT,
      name: 'checks_failed',
      value: formatPercent(fails / total),
      extras: [`${fails} out of ${total}`],
    },
  ];
  const lines = [...renderRows(rows, c), ''];
  for (const check of s.checks) {
    if (check.fails === 0) {
      lines.push(`${' '.repeat(INDENT)}${c.green(`${OK} ${check.name}`)}`);
      continue;
    }
    const pct = Math.floor((100 * check.passes) / (check.passes + check.fails));
    lines.push(
      `${' '.repeat(INDENT)}${c.red(`${FAIL} ${check.name}`)}`,
      `${' '.repeat(INDENT + 2)}${c.red(`↳  ${pct}% — ${OK} ${check.passes} / ${FAIL} ${check.fails}`)}`,
    );
  }
  if (s.checks.length > 0) lines.push('');
  return lines;
}

function metricRow(name: string, metric: SummaryMetric, trendStats: string[]): Row {
  const parent = parentName(name);
  const indent = parent === name ? INDENT : INDENT + 2;
  const display = parent === name ? name : `{ ${name.slice(parent.length + 1, -1)} }`;
  const v = metric.values;
  const show = (x: number | undefined) => (x === undefined ? '-' : formatMetricValue(x, metric));
  switch (metric.type) {
    case 'trend':
      return {
        indent,
        name: display,
        trend: trendStats.map((stat) => {
          const x = v[stat];
          return {
            stat,
            value: x === undefined ? '-' : stat === 'count' ? String(x) : formatMetricValue(x, metric),
          };
        }),
      };
    case 'counter':
      return {
        indent,
        name: display,
        value: show(v.count),
        extras: [v.rate === undefined ? '-' : formatPerSecond(v.rate, metric)],
      };
    case 'gauge':
      return {
        indent,
        name: display,
        value: show(v.value),
        extras: [`min=${show(v.min)}`, `max=${show(v.max)}`],
      };
    case 'rate': {
      const passes = v.passes ?? 0;
      const fails = v.fails ?? 0;
      return {
        indent,
        name: display,
        value: show(v.rate ?? 0),
        extras: [`${passes} out of ${passes + fails}`],
      };
    }
  }
}

function sectionOf(base: string): string {
  const known = SECTION_BY_METRIC[base];
  if (known) return known;
  if (base.startsWith('browser_web_vital_')) return 'WEBVITALS';
  if (base.startsWith('browser_')) return 'BROWSER';
  if (base.startsWith('grpc_')) return 'GRPC';
  if (base.startsWith('ws_')) return 'WEBSOCKET';
  return 'CUSTOM';
}
