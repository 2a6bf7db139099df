import type { Summary } from '../../contracts';
import { comparisonText } from '../compare/comparison-text';
import type { Colors } from './format-rows';
import { INDENT } from './summary-layout';

/**
 * The BASELINE section of the text summary (runs with --baseline): the comparison as
 * `k6-fleet compare` prints it — the rows that are not a pass and the verdict.
 */
export function baselineSection(s: Summary, c: Colors): string[] {
  const pad = ' '.repeat(INDENT);
  if (s.fleet.comparisonError) return [`${pad}${c.yellow(`no comparison: ${s.fleet.comparisonError}`)}`];
  const cmp = s.fleet.comparison;
  if (!cmp) return [];
  const lines = comparisonText(cmp).trimEnd().split('\n');
  const verdict = lines.pop() ?? '';
  const paint = cmp.verdict === 'fail' ? c.red : cmp.verdict === 'marginal' ? c.yellow : c.green;
  const out = [
    `${pad}${cmp.ref && cmp.ref !== cmp.baselineRunId ? `--baseline ${cmp.ref}: ` : ''}${lines[0] ?? ''}`,
    ...lines.slice(1).map((l) => `${pad}${l}`),
    `${pad}${paint(verdict)}`,
  ];
  if (cmp.failOnRegression && cmp.verdict === 'fail')
    out.push(`${pad}${c.red('--fail-on-regression: exit code 99')}`);
  return out;
}
