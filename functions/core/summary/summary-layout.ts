import type { SummaryMetric } from '../../contracts';
import { formatMetricValue } from './format';

// Marks, indentation and name helpers shared by the sections of the text summary.

export const OK = '✓';
export const FAIL = '✗';
export const INDENT = 4;

export function formatPerSecond(rate: number, metric: SummaryMetric): string {
  return `${formatMetricValue(rate, metric)}/s`;
}

export function parentName(name: string): string {
  const brace = name.indexOf('{');
  return brace < 0 ? name : name.slice(0, brace);
}

/** k6's order: by metric name, each submetric right after its parent. */
export function sortMetricNames(names: string[]): string[] {
  return [...names].sort((a, b) => {
    const pa = parentName(a);
    const pb = parentName(b);
    return pa === pb ? a.slice(pa.length).localeCompare(b.slice(pb.length)) : pa.localeCompare(pb);
  });
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function clip(text: string, room: number | undefined): string {
  if (room === undefined) return text;
  const chars = [...text];
  if (chars.length <= room) return text;
  return `${chars.slice(0, Math.max(1, room - 1)).join('')}…`;
}
