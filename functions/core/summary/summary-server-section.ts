import type { Summary } from '../../contracts';
import { correlationSentences } from '../server-metrics/correlation-sentences';
import type { Colors } from './format-rows';
import { INDENT } from './summary-layout';

/**
 * The SERVER part of the FLEET section: each source's scrape health, then the top
 * correlations in words ("p95 latency rose with app_db_pool_waiting, r = 0.93, same window").
 */
export function serverLines(
  s: Summary,
  c: Colors,
  clipTo: (line: string, prefix: number) => string,
): string[] {
  const server = s.fleet.server;
  if (server === undefined) return [];
  const pad = ' '.repeat(INDENT);
  const lines = ['', `${pad}${c.bold('SERVER')}`];
  for (const src of server.sources) {
    const failed = src.failures > 0 ? `, ${src.failures} failed (last: ${src.lastError ?? 'unknown'})` : '';
    const text = `${src.source}: ${src.scrapes} reads${failed}`;
    lines.push(`${pad}${src.failures > 0 ? c.yellow(clipTo(text, INDENT)) : clipTo(text, INDENT)}`);
  }
  const findings = correlationSentences(s.fleet.correlations ?? []);
  if (findings.length === 0) {
    lines.push(`${pad}no server series correlated with latency, errors or request rate (|r| ≥ 0.7)`);
  }
  for (const f of findings) lines.push(`${pad}${clipTo(`↗ ${f}`, INDENT)}`);
  return lines;
}
