import pc from 'picocolors';
import type { AbortInfo, Summary, SummaryMetric } from '../../contracts';
import { parseThresholdExpression } from '../thresholds/parse-expression';
import { formatDuration, formatMetricValue, formatNumber, formatPercent } from './format';
import { type Colors, type Row, renderRows } from './format-rows';

export interface TextSummaryOptions {
  /** ANSI colours (as k6 on a terminal). */
  color: boolean;
  /** Terminal columns: free-text lines (abort reason, runner failures, anomalies) are cut to fit. */
  width?: number;
  /** k6's `--summary-mode`: `compact` (default) leaves out the HTTP timing breakdown. */
  mode?: 'compact' | 'full';
}

const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
const OK = '✓';
const FAIL = '✗';
const INDENT = 4;

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

/**
 * The end-of-test summary as k6 v2 prints it (THRESHOLDS, then TOTAL RESULTS with the checks and
 * the CUSTOM / HTTP / EXECUTION / NETWORK … metric groups, dotted leaders, k6's units), for the
 * fleet's merged data, under a short FLEET section: test, run, verdict, duration, start skew,
 * abort (and the threshold that caused it), regions, failed runners, failed thresholds, anomalies.
 */
export function renderTextSummary(summary: Summary, opts: TextSummaryOptions): string {
  const c = pc.createColors(opts.color);
  const sections: Array<[string, string[]]> = [['FLEET', fleetSection(summary, c, opts.width)]];
  const thresholds = thresholdsSection(summary, c);
  if (thresholds.length > 0) sections.push(['THRESHOLDS', thresholds]);
  sections.push(['TOTAL RESULTS', totalResultsSection(summary, c, opts.mode ?? 'compact')]);

  const lines: string[] = [''];
  for (const [title, content] of sections) {
    lines.push(`  █ ${c.bold(title)}`, '', ...content, '', '');
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- FLEET

function fleetSection(s: Summary, c: Colors, width: number | undefined): string[] {
  const f = s.fleet;
  const fitWidth = (line: string, plainPrefix: number) =>
    clip(line, width === undefined ? undefined : width - plainPrefix);
  const since = (at: number) =>
    f.startAt === null ? new Date(at).toISOString() : `+${formatDuration(Math.max(0, at - f.startAt))}`;

  const rows: Array<{ name: string; value: string; color?: (s: string) => string }> = [
    { name: 'test', value: s.testName },
    { name: 'run', value: s.runId },
    verdictRow(f.verdict, f.exitCode, c),
    { name: 'duration', value: formatDuration(s.state.testRunDurationMs) },
    { name: 'start skew', value: f.startSkewMs === null ? 'not measured' : formatDuration(f.startSkewMs) },
  ];
  if (f.abort) {
    rows.push({ name: 'aborted', value: `${abortCause(f.abort)} at ${since(f.abort.at)}`, color: c.red });
    if (f.abort.reason) rows.push({ name: 'reason', value: f.abort.reason });
  }
  const totalRequests = f.regions.reduce((n, r) => n + r.requests, 0);
  rows.push({
    name: 'fleet',
    value: `${plural(f.regions.length, 'region')}, ${plural(f.runners.length, 'runner')}, ${plural(totalRequests, 'request')}`,
  });
  if (f.sinks) {
    for (const [sink, n] of Object.entries(f.sinks)) {
      rows.push({ name: `sink ${sink}`, value: `${n.written} written, ${n.dropped} dropped` });
    }
  }

  const nameCol = Math.max(...rows.map((r) => r.name.length));
  const lines = rows.map((r) => {
    const prefix = `${' '.repeat(INDENT)}${r.name}${'.'.repeat(nameCol - r.name.length + 3)}: `;
    const value = fitWidth(r.value, prefix.length);
    const head = `${' '.repeat(INDENT)}${r.name}${c.dim(c.white(`${'.'.repeat(nameCol - r.name.length + 3)}:`))} `;
    return head + (r.color ? r.color(value) : value);
  });

  if (f.regions.length > 0) lines.push('', `${' '.repeat(INDENT)}${c.bold('REGIONS')}`, ...regionLines(s, c));

  const troubled = f.runners.filter((r) => r.outcome !== 'finished' && r.outcome !== 'aborted');
  if (troubled.length > 0) {
    lines.push('', `${' '.repeat(INDENT)}${c.bold('RUNNERS')}`);
    for (const r of troubled) {
      const exit = r.k6ExitCode === null ? '' : `, k6 exit ${r.k6ExitCode}`;
      const text = `${FAIL} ${r.runnerId} (${r.region}) ${r.outcome}${exit}${r.reason ? `: ${r.reason}` : ''}`;
      lines.push(`${' '.repeat(INDENT)}${c.red(fitWidth(text, INDENT))}`);
    }
  }

  if (f.failedThresholds.length > 0) {
    lines.push('', `${' '.repeat(INDENT)}${c.bold('FAILED THRESHOLDS')}`);
    for (const t of f.failedThresholds) {
      const when = t.failedAt === undefined ? 'at the end' : `first at ${since(t.failedAt)}`;
      lines.push(`${' '.repeat(INDENT)}${c.red(FAIL)} ${t.metric} ${c.white(`'${t.expr}'`)} ${when}`);
    }
  }

  if (f.anomalies.length > 0) {
    const shown = f.anomalies.slice(0, 10);
    lines.push('', `${' '.repeat(INDENT)}${c.bold('ANOMALIES')}`);
    for (const a of shown) {
      const text = `! ${since(a.at)}${a.region ? ` ${a.region}` : ''} ${a.kind}: ${a.message}`;
      lines.push(`${' '.repeat(INDENT)}${c.yellow(fitWidth(text, INDENT))}`);
    }
    if (f.anomalies.length > shown.length) {
      lines.push(`${' '.repeat(INDENT)}… and ${f.anomalies.length - shown.length} more`);
    }
  }
  return lines;
}

function verdictRow(
  verdict: Summary['fleet']['verdict'],
  exitCode: number,
  c: Colors,
): { name: string; value: string; color: (s: string) => string } {
  const text: Record<Summary['fleet']['verdict'], string> = {
    passed: `${OK} passed`,
    'thresholds-failed': `${FAIL} thresholds failed`,
    aborted: `${FAIL} aborted`,
    failed: `${FAIL} failed`,
  };
  return {
    name: 'verdict',
    value: `${text[verdict]} (exit ${exitCode})`,
    color: verdict === 'passed' ? c.green : c.red,
  };
}

function abortCause(a: AbortInfo): string {
  if (a.threshold) return `by threshold ${a.threshold.metric} '${a.threshold.expr}'`;
  const by: Record<AbortInfo['source'], string> = {
    threshold: 'by a threshold',
    cli: 'from the CLI',
    console: 'from the console',
    'runner-failure': 'after a runner failed',
    interrupt: 'by an interrupt',
    anomaly: 'by an anomaly rule',
    deadline: 'at the deadline',
    dispatch: 'when dispatch failed',
  };
  return `${by[a.source]}${a.runnerId ? ` (runner ${a.runnerId})` : ''}`;
}

function regionLines(s: Summary, c: Colors): string[] {
  const regions = s.fleet.regions;
  const total = regions.reduce((n, r) => n + r.requests, 0);
  const rows: Row[] = regions.map((r) => ({
    indent: INDENT,
    name: r.name,
    value: `weight ${formatNumber(r.weight)}%`,
    extras: [
      plural(r.runners, 'runner'),
      plural(r.requests, 'request'),
      total > 0 ? `(${((100 * r.requests) / total).toFixed(1)}% of requests)` : '',
    ].filter((e) => e !== ''),
  }));
  return renderRows(rows, c);
}

// ---------------------------------------------------------------- THRESHOLDS

function thresholdsSection(s: Summary, c: Colors): string[] {
  const names = sortMetricNames(Object.keys(s.metrics).filter((n) => hasThresholds(s.metrics[n])));
  const lines: string[] = [];
  for (const name of names) {
    const metric = s.metrics[name]!;
    const parent = parentName(name);
    const nested = parent !== name && hasThresholds(s.metrics[parent]);
    const indent = ' '.repeat(nested ? INDENT + 2 : INDENT);
    lines.push(`${indent}${nested ? name.slice(parent.length) : name}`);
    for (const [expr, { ok }] of Object.entries(metric.thresholds ?? {})) {
      const mark = ok ? c.green(OK) : c.red(FAIL);
      const reading = thresholdReading(expr, metric, c);
      lines.push(`${indent}${mark} ${c.white(`'${expr}'`)}${reading ? ` ${reading}` : ''}`);
    }
    lines.push('');
  }
  return lines.length > 0 ? lines.slice(0, -1) : lines;
}

/** `p(95)=4.97ms`: the stat the expression reads and its final value, as k6 shows it. */
function thresholdReading(expr: string, metric: SummaryMetric, c: Colors): string {
  let stat: string;
  try {
    stat = parseThresholdExpression(expr).stat;
  } catch {
    return '';
  }
  const value = metric.values[stat];
  if (value === undefined) return '';
  let text = formatMetricValue(value, metric);
  if (metric.type === 'counter' && stat === 'rate') text = formatPerSecond(value, metric);
  if (metric.type === 'trend' && stat === 'count') text = String(value);
  return `${c.white(stat)}=${c.cyan(text)}`;
}

function hasThresholds(m: SummaryMetric | undefined): boolean {
  return m?.thresholds !== undefined && Object.keys(m.thresholds).length > 0;
}

// ---------------------------------------------------------------- TOTAL RESULTS

function totalResultsSection(s: Summary, c: Colors, mode: 'compact' | 'full'): string[] {
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

function formatPerSecond(rate: number, metric: SummaryMetric): string {
  return `${formatMetricValue(rate, metric)}/s`;
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

// ---------------------------------------------------------------- helpers

function parentName(name: string): string {
  const brace = name.indexOf('{');
  return brace < 0 ? name : name.slice(0, brace);
}

/** k6's order: by metric name, each submetric right after its parent. */
function sortMetricNames(names: string[]): string[] {
  return [...names].sort((a, b) => {
    const pa = parentName(a);
    const pb = parentName(b);
    return pa === pb ? a.slice(pa.length).localeCompare(b.slice(pb.length)) : pa.localeCompare(pb);
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function clip(text: string, room: number | undefined): string {
  if (room === undefined) return text;
  const chars = [...text];
  if (chars.length <= room) return text;
  return `${chars.slice(0, Math.max(1, room - 1)).join('')}…`;
}
