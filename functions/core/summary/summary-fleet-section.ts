import type { AbortInfo, Summary } from '../../contracts';
import { formatDuration, formatNumber } from './format';
import { type Colors, type Row, renderRows } from './format-rows';
import { clip, FAIL, INDENT, OK, plural } from './summary-layout';
import { serverLines } from './summary-server-section';

// The FLEET section of the text summary: what k6 alone cannot say about a distributed run.

export function fleetSection(s: Summary, c: Colors, width: number | undefined): string[] {
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
  lines.push(...serverLines(s, c, fitWidth));
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
