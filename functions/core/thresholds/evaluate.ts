import { z } from 'zod';
import type { MetricType, ThresholdSpec, ThresholdState } from '../../contracts';
import { type ParsedThreshold, parseThresholdExpression } from './parse-expression';
import { type MetricSelector, parseMetricSelector } from './parse-selector';
import { ThresholdError } from './threshold-errors';

/** The value of one summary stat (`count`, `rate`, `p(95)`, …) of a metric, or null when the
 * metric has no samples yet. */
export type StatValue = (stat: string) => number | null;

/**
 * Tests one expression against a metric's current value.
 *
 * No data (`statValue` gives null) passes, with value null: k6 skips the thresholds of a metric
 * without samples while the test runs, and at the end a Rate metric without samples passes
 * (k6 has no `rate` to compare). Counters, gauges and trends without samples are compared as 0
 * at the end of a k6 run; ThresholdEvaluator's `final` option does that substitution.
 * NaN compares as in k6 (Go): every comparison fails except `!=`.
 */
export function evaluateThreshold(
  t: ParsedThreshold,
  statValue: StatValue,
): { ok: boolean; value: number | null } {
  const value = statValue(t.stat);
  if (value === null) return { ok: true, value: null };
  return { ok: compare(value, t.op, t.value), value };
}

function compare(lhs: number, op: ParsedThreshold['op'], rhs: number): boolean {
  switch (op) {
    case '<':
      return lhs < rhs;
    case '<=':
      return lhs <= rhs;
    case '>':
      return lhs > rhs;
    case '>=':
      return lhs >= rhs;
    case '==':
    case '===':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
  }
}

/** Reads one stat of a metric (or of a submetric: samples carrying all `tags`). For a counter,
 * `rate` is count ÷ elapsed test time in seconds, as k6 computes it at that moment. */
export type GetStat = (metric: string, tags: Record<string, string>, stat: string) => number | null;

export interface EvaluateOptions {
  /**
   * The end-of-test evaluation. As k6 does then: a counter, gauge or trend without samples is
   * compared as 0 (so `count>0` fails), a Rate metric without samples still passes, and no new
   * abort is decided.
   */
  final?: boolean;
  /** Type of a metric, used by `final` to tell a counter's `rate` (0 without samples) from a
   * Rate metric's (passes without samples). Unknown metrics count as Rate metrics there. */
  metricType?: (metric: string) => MetricType | undefined;
}

export interface ThresholdAbort {
  metric: string;
  expr: string;
  /** `now` of the tick that decided the abort. */
  at: number;
  /** The value that crossed the threshold. */
  value: number | null;
}

export interface EvaluationResult {
  states: ThresholdState[];
  /** Set from the tick an abortOnFail threshold fails past its delayAbortEval, and on every later tick. */
  abort?: ThresholdAbort;
}

/** What the evaluator remembers between stateless watcher ticks. */
export const ThresholdEvaluatorStateSchema = z.object({
  v: z.literal(1),
  failed: z.array(
    z.object({ metric: z.string(), index: z.number().int(), expr: z.string(), at: z.number() }),
  ),
  abort: z
    .object({ metric: z.string(), expr: z.string(), at: z.number(), value: z.number().nullable() })
    .optional(),
});
export type ThresholdEvaluatorState = z.infer<typeof ThresholdEvaluatorStateSchema>;

interface Entry {
  /** The threshold key as written: `metric` or `metric{tag:value}`. */
  key: string;
  index: number;
  selector: MetricSelector;
  spec: ThresholdSpec;
  parsed: ParsedThreshold;
  failedAt?: number;
}

/**
 * All thresholds of one run, evaluated on the fleet's merged metrics at each watcher tick.
 * `abortOnFail` fires when such a threshold fails and the test has run longer than its
 * `delayAbortEvalMs` (k6: `delayAbortEval < time spent in test`; 0 means at once).
 */
export class ThresholdEvaluator {
  private readonly entries: Entry[] = [];
  private abortDecision?: ThresholdAbort;

  /** Throws ThresholdError on a selector or expression k6 would reject. */
  constructor(th: Record<string, ThresholdSpec[]>) {
    for (const [key, specs] of Object.entries(th)) {
      const selector = parseMetricSelector(key);
      specs.forEach((spec, index) => {
        this.entries.push({ key, index, selector, spec, parsed: parseThresholdExpression(spec.expr) });
      });
    }
  }

  /** Rebuilds an evaluator with the state a previous tick saved by toJSON(). Entries of the
   * state that no longer match a threshold (other metric, index or expression) are dropped. */
  static fromJSON(th: Record<string, ThresholdSpec[]>, state: unknown): ThresholdEvaluator {
    const evaluator = new ThresholdEvaluator(th);
    const parsed = ThresholdEvaluatorStateSchema.safeParse(state);
    if (!parsed.success)
      throw new ThresholdError(`invalid threshold evaluator state: ${parsed.error.message}`);
    for (const f of parsed.data.failed) {
      const entry = evaluator.entries.find(
        (e) => e.key === f.metric && e.index === f.index && e.spec.expr === f.expr,
      );
      if (entry) entry.failedAt = f.at;
    }
    const abort = parsed.data.abort;
    if (abort && evaluator.entries.some((e) => e.key === abort.metric && e.spec.expr === abort.expr)) {
      evaluator.abortDecision = abort;
    }
    return evaluator;
  }

  toJSON(): ThresholdEvaluatorState {
    const failed = this.entries
      .filter((e) => e.failedAt !== undefined)
      .map((e) => ({ metric: e.key, index: e.index, expr: e.spec.expr, at: e.failedAt! }));
    return this.abortDecision ? { v: 1, failed, abort: { ...this.abortDecision } } : { v: 1, failed };
  }

  /** Evaluates every threshold; `now` stamps first failures, `elapsedMs` (time since the test
   * started) gates abortOnFail. */
  evaluate(now: number, elapsedMs: number, getStat: GetStat, opts: EvaluateOptions = {}): EvaluationResult {
    const states: ThresholdState[] = [];
    for (const e of this.entries) {
      const read: StatValue = (stat) => {
        const v = getStat(e.selector.metric, e.selector.tags, stat);
        return v === null && opts.final ? emptyValueAtEnd(e.parsed, opts.metricType?.(e.selector.metric)) : v;
      };
      const { ok, value } = evaluateThreshold(e.parsed, read);
      if (!ok && e.failedAt === undefined) e.failedAt = now;
      if (!ok && !opts.final && !this.abortDecision && e.spec.abortOnFail && pastDelay(e.spec, elapsedMs)) {
        this.abortDecision = { metric: e.key, expr: e.spec.expr, at: now, value };
      }
      const state: ThresholdState = {
        metric: e.key,
        expr: e.spec.expr,
        ok,
        abortOnFail: e.spec.abortOnFail,
        value,
      };
      if (e.failedAt !== undefined) state.failedAt = e.failedAt;
      states.push(state);
    }
    return this.abortDecision ? { states, abort: { ...this.abortDecision } } : { states };
  }

  /** The distinct metrics and submetrics the thresholds read, in declaration order. */
  selectors(): Array<MetricSelector & { key: string }> {
    const seen = new Set<string>();
    const out: Array<MetricSelector & { key: string }> = [];
    for (const e of this.entries) {
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      out.push({ key: e.key, metric: e.selector.metric, tags: { ...e.selector.tags } });
    }
    return out;
  }

  /** Per threshold key, the stats its expressions read (e.g. ['p(95)', 'avg']). */
  requiredStats(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const e of this.entries) {
      const list = out[e.key] ?? [];
      if (!list.includes(e.parsed.stat)) list.push(e.parsed.stat);
      out[e.key] = list;
    }
    return out;
  }

  /** Tag keys that submetrics filter on, sorted: runners must keep these tags on their series. */
  tagKeys(): string[] {
    const keys = new Set<string>();
    for (const e of this.entries) for (const k of Object.keys(e.selector.tags)) keys.add(k);
    return [...keys].sort();
  }
}

function pastDelay(spec: ThresholdSpec, elapsedMs: number): boolean {
  return spec.delayAbortEvalMs === 0 || elapsedMs > spec.delayAbortEvalMs;
}

/** What k6's empty sinks yield at the end of a test (null = no value, the threshold passes). */
function emptyValueAtEnd(t: ParsedThreshold, type: MetricType | undefined): number | null {
  if (t.method === 'rate') return type === 'counter' ? 0 : null;
  return 0;
}
