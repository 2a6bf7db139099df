import { ThresholdError } from './threshold-errors';

/** A threshold's key: a metric and, for a submetric, the tag values its samples must carry. */
export interface MetricSelector {
  metric: string;
  tags: Record<string, string>;
}

/** k6's rule for metric names (metrics/registry.go). */
const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{1,128}$/;

/**
 * Parses a threshold key the way k6 does: `name` or `name{key:value,…}`.
 * - The metric name is everything before the first `{`; the filter runs to a `}` that must be
 *   the last character.
 * - Entries are split on every `,` and each at its first `:` (so a value may contain `:` but
 *   never `,`); keys and values are trimmed of spaces, then of any `"`/`'` at either end.
 * Stricter than k6 where k6 crashes or silently drops input: an empty key and a key given twice
 * are errors here.
 */
export function parseMetricSelector(selector: string): MetricSelector {
  const open = selector.indexOf('{');
  const close = selector.lastIndexOf('}');
  if (open < 0 && close < 0) return { metric: checkMetricName(selector, selector), tags: {} };
  if (open < 0) {
    throw new ThresholdError(
      `invalid threshold metric "${selector}": '}' without an opening '{'; a submetric is written metric{key:value}`,
    );
  }
  if (close < open) {
    throw new ThresholdError(
      `invalid threshold metric "${selector}": '{' without a closing '}'; a submetric is written metric{key:value}`,
    );
  }
  if (close !== selector.length - 1) {
    throw new ThresholdError(
      `invalid threshold metric "${selector}": unexpected text "${selector.slice(close + 1)}" after the closing '}'`,
    );
  }
  const metric = checkMetricName(selector.slice(0, open), selector);
  const inner = selector.slice(open + 1, close);
  if (inner.trim() === '') {
    throw new ThresholdError(
      `invalid threshold metric "${selector}": empty tag filter {}; write metric{key:value} or just the metric name`,
    );
  }
  const tags: Record<string, string> = {};
  for (const entry of inner.split(',')) {
    const [key, value] = parseTagEntry(entry, selector);
    if (Object.hasOwn(tags, key)) {
      throw new ThresholdError(
        `invalid threshold metric "${selector}": tag "${key}" is given twice; a sample has one value per tag`,
      );
    }
    tags[key] = value;
  }
  return { metric, tags };
}

/** The canonical key of a selector (tags sorted), e.g. to match a metric to its submetrics. */
export function formatMetricSelector({ metric, tags }: MetricSelector): string {
  const keys = Object.keys(tags).sort();
  if (keys.length === 0) return metric;
  return `${metric}{${keys.map((k) => `${k}:${tags[k]}`).join(',')}}`;
}

function checkMetricName(name: string, selector: string): string {
  if (METRIC_NAME.test(name)) return name;
  const hint = name.trim() !== name ? ' (remove the spaces around the name)' : '';
  throw new ThresholdError(
    `invalid threshold metric "${selector}": "${name}" is not a k6 metric name${hint}; names are 2-129 ` +
      `ASCII letters, digits or underscores, starting with a letter or underscore`,
  );
}

function parseTagEntry(entry: string, selector: string): [string, string] {
  if (entry.trim() === '') {
    throw new ThresholdError(
      `invalid threshold metric "${selector}": empty entry in the tag filter (a stray ','); write metric{key:value,key2:value2}`,
    );
  }
  const colon = entry.indexOf(':');
  if (colon < 0) {
    throw new ThresholdError(
      `invalid threshold metric "${selector}": tag filter "${entry.trim()}" has no value; write key:value`,
    );
  }
  const rawKey = entry.slice(0, colon).trim();
  const rawValue = entry.slice(colon + 1).trim();
  const key = stripQuotes(rawKey);
  if (key === '') {
    throw new ThresholdError(
      `invalid threshold metric "${selector}": tag filter "${entry.trim()}" has an empty key`,
    );
  }
  if (rawValue === '') {
    throw new ThresholdError(
      `invalid threshold metric "${selector}": tag "${key}" has an empty value; write ${key}:value (or ${key}:"" for an empty tag)`,
    );
  }
  return [key, stripQuotes(rawValue)];
}

/** Go's strings.Trim(s, `"'`): every quote character at either end goes, paired or not. */
function stripQuotes(text: string): string {
  return text.replace(/^["']+|["']+$/g, '');
}
