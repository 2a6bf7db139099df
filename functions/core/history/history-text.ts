import type { Headline } from '../../contracts/history-record';
import type { HistoryChangePoint, HistoryView, TrendMetric } from './history-view';
import { TREND_METRICS, trendValue } from './history-view';
import { sparkline } from './sparkline';

const ms = (v: number | null) => (v === null ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(2)}%`);
const pad = (s: string, n: number) => s.padEnd(n);
const padL = (s: string, n: number) => s.padStart(n);

function numbers(h: Headline): string {
  return [
    padL(String(h.requests), 9),
    padL(h.rps.toFixed(1), 9),
    padL(ms(h.p50), 8),
    padL(ms(h.p95), 8),
    padL(ms(h.p99), 8),
    padL(pct(h.errorRate), 8),
  ].join(' ');
}

const LABELS: Readonly<Record<TrendMetric, string>> = {
  p50: 'p50',
  p95: 'p95',
  p99: 'p99',
  rps: 'req/s',
  errorRate: 'errors',
};

function changeText(cp: HistoryChangePoint): string {
  const sign = cp.relChange >= 0 ? '+' : '';
  return `${LABELS[cp.metric]} ${sign}${(100 * cp.relChange).toFixed(1)}% (p=${cp.pValue.toExponential(1)})`;
}

/** `k6-fleet history`: one line per run, oldest first, sparklines and change points under it. */
export function historyText(view: HistoryView, opts: { regions?: boolean; total?: number } = {}): string {
  const lines: string[] = [];
  const shown = view.runs.length;
  const total = opts.total ?? shown;
  lines.push(
    `history of ${view.testName}: ${shown === total ? `${shown} runs` : `last ${shown} of ${total} runs`}`,
  );
  lines.push(
    `  ${pad('when (UTC)', 19)}  ${pad('run id', 24)} ${pad('verdict', 17)} ${padL('requests', 9)} ${padL('req/s', 9)} ${padL('p50 ms', 8)} ${padL('p95 ms', 8)} ${padL('p99 ms', 8)} ${padL('errors', 8)}`,
  );
  view.runs.forEach((r, i) => {
    const at = r.startAt ?? r.endAt;
    const when = new Date(at).toISOString().slice(0, 19).replace('T', ' ');
    const cps = view.changePoints.filter((c) => c.index === i);
    const mark = cps.length ? '▶' : ' ';
    const note = cps.length ? `  ◀ change: ${cps.map(changeText).join(', ')}` : '';
    const label = r.label ? ` [${r.label}]` : '';
    lines.push(
      `${mark} ${when}  ${pad(r.runId, 24)} ${pad(r.verdict, 17)} ${numbers(r.headline)}${note}${label}`,
    );
    if (opts.regions) {
      for (const [region, h] of Object.entries(r.regionHeadlines)) {
        lines.push(`    ${pad(region, 58)} ${numbers(h)}`);
      }
    }
  });
  if (shown > 1) {
    lines.push('');
    for (const m of TREND_METRICS) {
      const marks = view.changePoints.filter((c) => c.metric === m).map((c) => c.index);
      lines.push(
        `  ${pad(LABELS[m], 7)} ${sparkline(
          view.runs.map((r) => trendValue(r, m)),
          marks,
        )}`,
      );
    }
  }
  if (!view.changePoints.length && shown >= 6) lines.push('  no change points (E-divisive means, p < 0.001)');
  return `${lines.join('\n')}\n`;
}
