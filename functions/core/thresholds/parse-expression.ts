import { parseGoFloat } from './go-float';
import { ThresholdError } from './threshold-errors';

export type ThresholdMethod = 'count' | 'rate' | 'value' | 'avg' | 'min' | 'max' | 'med' | 'p';
export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

/** One k6 threshold expression, `method op number`, parsed. */
export interface ParsedThreshold {
  /** The expression as written in the script. */
  source: string;
  method: ThresholdMethod;
  /** The percentile of `p(N)`, 0–100. */
  p?: number;
  /** The summary stat the expression reads: 'count', 'rate', 'value', 'avg', 'min', 'max',
   * 'med' or 'p(N)' with N printed as a JS number (`p(99.9)`, `p(95)` for `p(95.0)`). */
  stat: string;
  op: ThresholdOperator;
  value: number;
}

/** In the order k6 scans for them: each is looked up as a substring, longest spellings first
 * among those sharing characters, and the first one found splits the expression. */
const OPERATORS: readonly ThresholdOperator[] = ['<=', '<', '>=', '>', '===', '==', '!='];
const KEYWORD_METHODS: readonly ThresholdMethod[] = ['value', 'count', 'rate', 'avg', 'min', 'med', 'max'];
const SYNTAX = `expected "<method> <operator> <number>", e.g. "p(95)<500" or "rate < 0.01"`;
const VALID_METHODS = 'count, rate, value, avg, min, med, max or p(N) with N from 0 to 100';
const VALID_OPERATORS = '<, <=, >, >=, ==, ===, !=';

/**
 * Parses a threshold expression with k6's grammar: `method op number`, spaces around the
 * parts optional, methods case-sensitive, `p(N)` without spaces inside, the number in Go's float
 * syntax (`1e3`, `.5`, `1_000`, `Inf`). Throws ThresholdError saying what is wrong and what is valid.
 */
export function parseThresholdExpression(expr: string): ParsedThreshold {
  const split = splitAtOperator(expr);
  if (!split) {
    const hint = /[^=!<>]=[^=]/.test(expr) ? '; use == (or ===) to test equality' : '';
    throw new ThresholdError(
      `invalid threshold "${expr}": no comparison operator (${VALID_OPERATORS})${hint}; ${SYNTAX}`,
    );
  }
  const { lhs, op, rhs } = split;
  const { method, p } = parseMethod(lhs, op, expr);
  const value = parseNumber(rhs, op, expr);
  const stat = method === 'p' ? `p(${p})` : method;
  return p === undefined
    ? { source: expr, method, stat, op, value }
    : { source: expr, method, p, stat, op, value };
}

function splitAtOperator(expr: string): { lhs: string; op: ThresholdOperator; rhs: string } | null {
  for (const op of OPERATORS) {
    const at = expr.indexOf(op);
    if (at >= 0) return { lhs: expr.slice(0, at).trim(), op, rhs: expr.slice(at + op.length).trim() };
  }
  return null;
}

function parseMethod(
  lhs: string,
  op: ThresholdOperator,
  expr: string,
): { method: ThresholdMethod; p?: number } {
  if ((KEYWORD_METHODS as readonly string[]).includes(lhs)) return { method: lhs as ThresholdMethod };
  if (lhs === '') {
    throw new ThresholdError(`invalid threshold "${expr}": no method before "${op}"; use ${VALID_METHODS}`);
  }
  if (/[=!]$/.test(lhs)) {
    const wrong = `${lhs.slice(-1)}${op}`;
    throw new ThresholdError(
      `invalid threshold "${expr}": "${wrong}" is not an operator; use ${VALID_OPERATORS}`,
    );
  }
  if (lhs.startsWith('p(') && lhs.endsWith(')')) {
    const inner = lhs.slice(2, -1);
    const p = parseGoFloat(inner);
    if (p === null || Number.isNaN(p)) {
      throw new ThresholdError(
        `invalid threshold "${expr}": percentile "${inner}" is not a number; write p(N) with N from 0 to 100 and no spaces, e.g. p(99.9)`,
      );
    }
    if (p < 0 || p > 100) {
      throw new ThresholdError(
        `invalid threshold "${expr}": percentile ${inner} is out of range; N in p(N) goes from 0 to 100`,
      );
    }
    return { method: 'p', p: p === 0 ? 0 : p };
  }
  const lower = lhs.toLowerCase();
  const hint =
    lower !== lhs && (KEYWORD_METHODS as readonly string[]).includes(lower)
      ? ` (methods are lower case: "${lower}")`
      : /^p\d/.test(lhs) || lhs === 'p'
        ? ' (a percentile is written p(N), e.g. p(95))'
        : '';
  throw new ThresholdError(
    `invalid threshold "${expr}": unknown method "${lhs}"${hint}; use ${VALID_METHODS}`,
  );
}

function parseNumber(rhs: string, op: ThresholdOperator, expr: string): number {
  if (rhs === '') throw new ThresholdError(`invalid threshold "${expr}": no number after "${op}"; ${SYNTAX}`);
  const value = parseGoFloat(rhs);
  if (value === null) {
    throw new ThresholdError(
      `invalid threshold "${expr}": "${rhs}" is not a number; write a decimal such as 500, 0.01 or 1e3 (units are not allowed: durations are in ms)`,
    );
  }
  return value;
}
