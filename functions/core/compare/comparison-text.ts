import { FLEET } from '../../contracts/history-record';
import type { Comparison, ComparisonRow } from './compare-runs';
import { serverComparisonText } from './server-comparison';

const num = (v: number | null) => {
  if (v === null) return '-';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a < 0.01) return v.toExponential(2);
  if (a < 10) return v.toFixed(3);
  if (a < 1000) return v.toFixed(1);
  return v.toFixed(0);
};
const pStr = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));
const where = (r: ComparisonRow) =>
  r.scenario ? `scenario ${r.scenario}` : r.region === FLEET ? 'fleet' : r.region;

/**
 * The comparison as text: the verdict, then every row that is not a pass (all rows with
 * `all`), fleet rows first.
 */
export function comparisonText(c: Comparison, opts: { all?: boolean } = {}): string {
  const rows = c.metrics.filter((r) => opts.all || r.classification !== 'pass' || r.region === FLEET);
  const w = Math.max(20, ...rows.map((r) => `${r.metric} ${r.stat}`.length));
  const lines = [
    `compare ${c.testName}: baseline ${c.baselineRunId} → ${c.runId}`,
    `  ${'metric'.padEnd(w)} ${'where'.padEnd(16)} ${'baseline'.padStart(10)} ${'current'.padStart(10)} ${'change'.padStart(9)} ${'p'.padStart(8)}  class`,
  ];
  for (const r of rows) {
    const change = r.changePct === null ? '-' : `${r.changePct >= 0 ? '+' : ''}${r.changePct.toFixed(1)}%`;
    lines.push(
      `  ${`${r.metric} ${r.stat}`.padEnd(w)} ${where(r).padEnd(16)} ${num(r.baseline).padStart(10)} ${num(r.current).padStart(10)} ${change.padStart(9)} ${pStr(r.pValue).padStart(8)}  ${r.classification.toUpperCase()}`,
    );
  }
  const counts = (k: string) => c.metrics.filter((r) => r.classification === k).length;
  lines.push(
    `verdict: ${c.verdict.toUpperCase()} — ${counts('fail')} fail, ${counts('marginal')} marginal, ${counts('pass')} pass (score ${c.score.toFixed(0)}%)`,
  );
  return `${lines.join('\n')}\n${c.server ? serverComparisonText(c.server) : ''}`;
}
