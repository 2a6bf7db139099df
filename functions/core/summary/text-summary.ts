import pc from 'picocolors';
import type { Summary } from '../../contracts';
import { baselineSection } from './summary-baseline-section';
import { fleetSection } from './summary-fleet-section';
import { thresholdsSection } from './summary-thresholds-section';
import { totalResultsSection } from './summary-total-results';

export interface TextSummaryOptions {
  /** ANSI colours (as k6 on a terminal). */
  color: boolean;
  /** Terminal columns: free-text lines (abort reason, runner failures, anomalies) are cut to fit. */
  width?: number;
  /** k6's `--summary-mode`: `compact` (default) leaves out the HTTP timing breakdown. */
  mode?: 'compact' | 'full';
}

/**
 * The end-of-test summary as k6 v2 prints it (THRESHOLDS, then TOTAL RESULTS with the checks and
 * the CUSTOM / HTTP / EXECUTION / NETWORK … metric groups, dotted leaders, k6's units), for the
 * fleet's merged data, under a short FLEET section: test, run, verdict, duration, start skew,
 * abort (and the threshold that caused it), regions, failed runners, failed thresholds, anomalies.
 */
export function renderTextSummary(summary: Summary, opts: TextSummaryOptions): string {
  const c = pc.createColors(opts.color);
  const sections: Array<[string, string[]]> = [['FLEET', fleetSection(summary, c, opts.width)]];
  const thresholds = thresholdsSection(summary, c);
  if (thresholds.length > 0) sections.push(['THRESHOLDS', thresholds]);
  const baseline = baselineSection(summary, c);
  if (baseline.length > 0) sections.push(['BASELINE', baseline]);
  sections.push(['TOTAL RESULTS', totalResultsSection(summary, c, opts.mode ?? 'compact')]);

  const lines: string[] = [''];
  for (const [title, content] of sections) {
    lines.push(`  █ ${c.bold(title)}`, '', ...content, '', '');
  }
  return `${lines.join('\n')}\n`;
}
