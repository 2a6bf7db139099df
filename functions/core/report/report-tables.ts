import type { Summary } from '../../contracts';
import { escapeHtml as esc, formatNumber, formatOffset, formatPercent, formatStat } from './report-format';
import { thresholdRows } from './threshold-rows';

const OK = '<span class="ok" aria-label="passed">✓</span>';
const FAIL = '<span class="fail" aria-label="failed">✗</span>';

function table(caption: string, head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table><caption>${esc(caption)}</caption><thead><tr>${th}</tr></thead>\n<tbody>${body}</tbody></table></div>`;
}

export function thresholdsTable(summary: Summary): string {
  const startAt = summary.fleet.startAt;
  const rows = thresholdRows(summary).map((t) => {
    const contains = summary.metrics[t.metric]?.contains ?? 'default';
    const type = summary.metrics[t.metric]?.type ?? 'trend';
    const value = t.value === null || t.stat === null ? '—' : formatStat(t.stat, t.value, contains, type);
    const notes = [
      t.failedAt !== undefined ? esc(`failed at ${formatOffset(t.failedAt, startAt)}`) : '',
      t.abortedRun ? '<strong>aborted the run</strong>' : '',
    ].filter(Boolean);
    return [
      `<code>${esc(t.metric)}</code>`,
      `<code>${esc(t.expr)}</code>`,
      t.ok ? OK : FAIL,
      t.stat === null ? value : `${esc(t.stat)} = ${esc(value)}`,
      notes.join(' · '),
    ];
  });
  return table(
    'Thresholds',
    ['Metric', 'Expression', 'OK', 'Value', 'Notes'],
    rows,
    'No thresholds defined.',
  );
}

export function checksTable(summary: Summary): string {
  const rows = summary.checks.map((c) => {
    const total = c.passes + c.fails;
    return [
      esc(c.name),
      c.fails === 0 ? OK : FAIL,
      formatNumber(c.passes, 0),
      formatNumber(c.fails, 0),
      total === 0 ? '—' : formatPercent(c.passes / total),
    ];
  });
  return table('Checks', ['Check', 'OK', 'Passes', 'Fails', 'Pass rate'], rows, 'No checks in this test.');
}

export function runnersTable(summary: Summary): string {
  const rows = summary.fleet.runners.map((r) => [
    `<code>${esc(r.runnerId)}</code>`,
    esc(r.region),
    `<code>${esc(r.segment)}</code>`,
    `<span class="outcome-${r.outcome === 'finished' ? 'ok' : 'bad'}">${esc(r.outcome)}</span>`,
    r.k6ExitCode === null ? '—' : String(r.k6ExitCode),
    r.startOffsetMs === null
      ? '—'
      : `${r.startOffsetMs >= 0 ? '+' : ''}${formatNumber(r.startOffsetMs, 1)} ms`,
    esc(r.reason ?? ''),
  ]);
  const head = ['Runner', 'Region', 'Segment', 'Outcome', 'k6 exit code', 'Start offset', 'Reason'];
  return table('Runners', head, rows, 'No runners reported.');
}
