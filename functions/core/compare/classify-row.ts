import { type DirectionRule, toleranceOf, worseSign } from './direction-rules';

export type Classification = 'pass' | 'marginal' | 'fail';

/** What one row's tests found: the whole-run change and the evidence behind it. */
export interface RowEvidence {
  baseline: number | null;
  current: number | null;
  /** Whole-run test (quantile test on buckets, proportion test); null for counters, which have none. */
  wholeRunP: number | null;
  /** Per-window Mann–Whitney p-value; null when either run has too few windows (or none kept). */
  windowsP: number | null;
}

/** A change must be this unlikely under "no change" for a row to fail. */
export const FAIL_ALPHA = 0.01;

/**
 * pass / marginal / fail of one row. A row fails when its change goes the worse way, is
 * beyond the tolerance, and both tests call it significant (an intersection–union test:
 * its p-value is the larger of the two) — the whole-run test sees a shift of the
 * distribution, the per-window test that it persists across the run rather than one bad
 * moment. Marginal: beyond the tolerance the worse way without that evidence, or
 * significant and past half the tolerance. Everything else passes. Without per-window
 * values a row cannot fail (nothing shows the change lasted): marginal at most.
 */
export function classifyRow(
  rule: DirectionRule,
  e: RowEvidence,
): { classification: Classification; pValue: number } {
  const pValue =
    e.wholeRunP === null && e.windowsP === null ? 1 : Math.max(e.wholeRunP ?? 0, e.windowsP ?? 0);
  if (e.baseline === null || e.current === null) return { classification: 'pass', pValue };
  const delta = e.current - e.baseline;
  if (worseSign(rule, delta) <= 0) return { classification: 'pass', pValue };
  const tol = toleranceOf(rule, e.baseline);
  const significant = pValue < FAIL_ALPHA;
  if (Math.abs(delta) > tol)
    return { classification: significant && e.windowsP !== null ? 'fail' : 'marginal', pValue };
  if (significant && Math.abs(delta) > tol / 2) return { classification: 'marginal', pValue };
  return { classification: 'pass', pValue };
}

/** The overall verdict: the worst row. */
export function overallVerdict(rows: ReadonlyArray<{ classification: Classification }>): Classification {
  if (rows.some((r) => r.classification === 'fail')) return 'fail';
  if (rows.some((r) => r.classification === 'marginal')) return 'marginal';
  return 'pass';
}

/** Kayenta's score: the share of rows that pass, in percent. */
export function passScore(rows: ReadonlyArray<{ classification: Classification }>): number {
  return rows.length ? (100 * rows.filter((r) => r.classification === 'pass').length) / rows.length : 100;
}
