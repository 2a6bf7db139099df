import type { HistoryRecordV2 } from '../../contracts/history-record';
import type { Correlation } from '../../contracts/server-metrics';
import { K6_SIDE } from '../server-metrics/correlation-sentences';

/** One server series in both runs. Informational: server series carry no verdict. */
export interface ServerComparisonRow {
  series: string;
  baselineMean: number;
  currentMean: number;
  baselineMax: number;
  currentMax: number;
  changePct: number | null;
}

export interface ServerComparison {
  rows: ServerComparisonRow[];
  /** The strongest correlate of p95 latency in each run, when one was found. */
  baselineTopForP95?: Correlation;
  currentTopForP95?: Correlation;
}

/**
 * The server side of two runs side by side (series both runs read), or undefined when
 * either run read no server metrics. It explains a latency change; it does not judge one.
 */
export function compareServerSides(
  baseline: HistoryRecordV2,
  current: HistoryRecordV2,
): ServerComparison | undefined {
  if (!baseline.server || !current.server) return undefined;
  const before = new Map(baseline.server.series.map((s) => [s.series, s]));
  const rows = current.server.series.flatMap((c): ServerComparisonRow[] => {
    const b = before.get(c.series);
    if (!b) return [];
    return [
      {
        series: c.series,
        baselineMean: b.mean,
        currentMean: c.mean,
        baselineMax: b.max,
        currentMax: c.max,
        changePct: b.mean === 0 ? null : ((c.mean - b.mean) / Math.abs(b.mean)) * 100,
      },
    ];
  });
  const topForP95 = (r: HistoryRecordV2) => r.server?.correlations.find((c) => c.metric === K6_SIDE.p95);
  return {
    rows,
    ...(topForP95(baseline) ? { baselineTopForP95: topForP95(baseline) } : {}),
    ...(topForP95(current) ? { currentTopForP95: topForP95(current) } : {}),
  };
}

/** The text `compare` prints under the regression table. */
export function serverComparisonText(s: ServerComparison, maxRows = 10): string {
  const w = Math.max(24, ...s.rows.slice(0, maxRows).map((r) => r.series.length));
  const n = (v: number) =>
    Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
  const lines = [
    'server (mean over the run; informational, not judged):',
    `  ${'series'.padEnd(w)} ${'baseline'.padStart(10)} ${'current'.padStart(10)} ${'change'.padStart(9)}`,
  ];
  for (const r of s.rows.slice(0, maxRows)) {
    const change = r.changePct === null ? '-' : `${r.changePct >= 0 ? '+' : ''}${r.changePct.toFixed(1)}%`;
    lines.push(
      `  ${r.series.padEnd(w)} ${n(r.baselineMean).padStart(10)} ${n(r.currentMean).padStart(10)} ${change.padStart(9)}`,
    );
  }
  const top = (label: string, c: Correlation | undefined) =>
    c ? `  p95 latency's top correlate (${label}): ${c.series}, r = ${c.r.toFixed(2)}` : [];
  lines.push(...[top('baseline', s.baselineTopForP95), top('current', s.currentTopForP95)].flat());
  return `${lines.join('\n')}\n`;
}
