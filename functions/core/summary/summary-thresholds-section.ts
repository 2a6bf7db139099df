import type { Summary, SummaryMetric } from '../../contracts';
import { parseThresholdExpression } from '../thresholds/parse-expression';
import { formatMetricValue } from './format';
import type { Colors } from './format-rows';
import { FAIL, formatPerSecond, INDENT, OK, parentName, sortMetricNames } from './summary-layout';

// The THRESHOLDS section of the text summary, as k6 v2 prints it.

export function thresholdsSection(s: Summary, c: Colors): string[] {
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
