import type { Summary, Verdict } from '../../contracts';
import {
  escapeHtml as esc,
  formatDurationMs,
  formatInstant,
  formatNumber,
  formatOffset,
} from './report-format';

const VERDICT_TEXT: Record<Verdict, string> = {
  passed: 'Passed',
  'thresholds-failed': 'Thresholds failed',
  aborted: 'Aborted',
  failed: 'Failed',
};

function row(label: string, valueHtml: string, wide = false): string {
  return `<div${wide ? ' class="wide"' : ''}><dt>${esc(label)}</dt><dd>${valueHtml}</dd></div>`;
}

function regionsHtml(summary: Summary): string {
  const items = summary.fleet.regions.map(
    (r) =>
      `<li><strong>${esc(r.name)}</strong> · weight ${formatNumber(r.weight)} · ${r.runners} runner${r.runners === 1 ? '' : 's'} · ${formatNumber(r.requests, 0)} requests</li>`,
  );
  return items.length === 0 ? '—' : `<ul class="inline-list">${items.join('')}</ul>`;
}

function abortHtml(summary: Summary): string {
  const abort = summary.fleet.abort;
  if (!abort) return '';
  const parts = [
    `<strong>${esc(abort.source)}</strong>: ${esc(abort.reason)}`,
    `at ${esc(formatOffset(abort.at, summary.fleet.startAt))}`,
  ];
  if (abort.threshold) {
    parts.push(
      `threshold <code>${esc(abort.threshold.metric)}</code> <code>${esc(abort.threshold.expr)}</code>`,
    );
  }
  if (abort.runnerId) parts.push(`runner <code>${esc(abort.runnerId)}</code>`);
  return row('Abort', parts.join(' · '), true);
}

/** Title, verdict and the run's facts: who ran where, when, and why it stopped. */
export function reportHeader(summary: Summary): string {
  const f = summary.fleet;
  const runnerCount = f.runners.length;
  const sinks = f.sinks
    ? row(
        'Metrics sinks',
        Object.entries(f.sinks)
          .map(
            ([name, s]) =>
              `${esc(name)}: ${formatNumber(s.written, 0)} written, ${formatNumber(s.dropped, 0)} dropped`,
          )
          .join(' · '),
      )
    : '';
  return `<header>
<p class="eyebrow">k6-fleet run report</p>
<h1 id="test-name">${esc(summary.testName)}</h1>
<p><span class="verdict verdict-${f.verdict}" data-verdict="${f.verdict}">${VERDICT_TEXT[f.verdict]}</span> <span class="muted">exit code ${f.exitCode}</span></p>
<dl class="facts">
${row('Run id', `<code>${esc(summary.runId)}</code>`)}
${row('Started', esc(formatInstant(f.startAt)))}
${row('Ended', esc(formatInstant(f.endAt)))}
${row('Duration', esc(formatDurationMs(summary.state.testRunDurationMs)))}
${row('Start skew', f.startSkewMs === null ? '—' : `${formatNumber(f.startSkewMs, 1)} ms <span class="muted">(max |resume − barrier| over ${runnerCount} runners)</span>`)}
${row('Regions', regionsHtml(summary), true)}
${abortHtml(summary)}
${f.finalizedLate ? row('Finalized late', `${esc(formatInstant(f.finalizedLate.at))}: ${esc(f.finalizedLate.reason)}`, true) : ''}
${sinks}
</dl>
</header>`;
}

/** What the watcher noticed during the run; omitted when there was nothing. */
export function anomaliesSection(summary: Summary): string {
  const list = summary.fleet.anomalies;
  if (list.length === 0) return '';
  const items = list.map(
    (a) =>
      `<li><span class="muted">${esc(formatOffset(a.at, summary.fleet.startAt))}</span> <strong>${esc(a.kind)}</strong>${a.region ? ` in ${esc(a.region)}` : ''}: ${esc(a.message)}</li>`,
  );
  return `<section><h2>Anomalies</h2><ul>${items.join('')}</ul></section>`;
}
