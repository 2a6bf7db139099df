import type { Summary } from '../../contracts';

/** One threshold as the report lists it. */
export interface ThresholdRow {
  metric: string;
  expr: string;
  ok: boolean;
  /** The stat the expression tested, from the metric's final values, when known. */
  value: number | null;
  /** The stat's name, e.g. `p(95)` or `rate`. */
  stat: string | null;
  failedAt?: number;
  /** This threshold's abortOnFail stopped the run. */
  abortedRun: boolean;
}

/** The stat a k6 threshold expression tests: `p(95)<500` → `p(95)`, `rate < 0.01` → `rate`. */
export function thresholdStat(expr: string): string | null {
  const match = /^\s*([a-z]+(?:\(\s*\d+(?:\.\d+)?\s*\))?)\s*(?:<=|>=|===|==|!=|<|>)/i.exec(expr);
  return match ? match[1]!.replace(/\s+/g, '') : null;
}

/** Every threshold from the metrics, plus failures the metrics do not list, in metric order. */
export function thresholdRows(summary: Summary): ThresholdRow[] {
  const failed = new Map(summary.fleet.failedThresholds.map((f) => [key(f.metric, f.expr), f]));
  const abortKey = summary.fleet.abort?.threshold
    ? key(summary.fleet.abort.threshold.metric, summary.fleet.abort.threshold.expr)
    : null;
  const rows: ThresholdRow[] = [];
  const seen = new Set<string>();
  const add = (metric: string, expr: string, ok: boolean) => {
    const k = key(metric, expr);
    if (seen.has(k)) return;
    seen.add(k);
    const stat = thresholdStat(expr);
    const value = stat === null ? undefined : summary.metrics[metric]?.values[stat];
    const failedAt = failed.get(k)?.failedAt;
    rows.push({
      metric,
      expr,
      ok,
      stat,
      value: value ?? null,
      ...(failedAt !== undefined ? { failedAt } : {}),
      abortedRun: k === abortKey,
    });
  };
  for (const metric of Object.keys(summary.metrics).sort()) {
    for (const [expr, { ok }] of Object.entries(summary.metrics[metric]!.thresholds ?? {})) {
      add(metric, expr, ok && !failed.has(key(metric, expr)));
    }
  }
  for (const f of summary.fleet.failedThresholds) add(f.metric, f.expr, false);
  return rows;
}

function key(metric: string, expr: string): string {
  return `${metric}\u0000${expr}`;
}
