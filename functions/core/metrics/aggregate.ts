import type { ExpHistogram, MetricType, Series, ValueType } from '../../contracts/metrics';
import { emptyHistogram, mergeHistograms } from '../histogram/exp-histogram';

/** The mergeable state of one metric stream, by k6 metric type. */
export type Aggregate =
  | { type: 'counter'; value: number }
  | { type: 'gauge'; value: number; min: number; max: number }
  | { type: 'rate'; nonzero: number; total: number }
  | { type: 'trend'; hist: ExpHistogram };

/**
 * Combines two consecutive deltas of the same stream (b after a): counters, rates and
 * trends add up; a gauge takes b's value and the combined min/max. Pure.
 */
export function mergeAggregate(a: Aggregate, b: Aggregate): Aggregate {
  switch (a.type) {
    case 'counter':
      if (b.type === 'counter') return { type: 'counter', value: a.value + b.value };
      break;
    case 'gauge':
      if (b.type === 'gauge')
        return { type: 'gauge', value: b.value, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
      break;
    case 'rate':
      if (b.type === 'rate')
        return { type: 'rate', nonzero: a.nonzero + b.nonzero, total: a.total + b.total };
      break;
    case 'trend':
      if (b.type === 'trend') return { type: 'trend', hist: mergeHistograms(a.hist, b.hist) };
      break;
  }
  throw new TypeError(`cannot merge a ${b.type} into a ${a.type}`);
}

/** The neutral element of mergeAggregate for counters, rates and trends. */
export function emptyAggregate(type: Exclude<MetricType, 'gauge'>): Aggregate {
  switch (type) {
    case 'counter':
      return { type, value: 0 };
    case 'rate':
      return { type, nonzero: 0, total: 0 };
    case 'trend':
      return { type, hist: emptyHistogram() };
  }
}

export function aggregateOf(s: Series): Aggregate {
  switch (s.type) {
    case 'counter':
      return { type: 'counter', value: s.value };
    case 'gauge':
      return { type: 'gauge', value: s.value, min: s.min, max: s.max };
    case 'rate':
      return { type: 'rate', nonzero: s.nonzero, total: s.total };
    case 'trend':
      return { type: 'trend', hist: s.hist };
  }
}

/** A Series for one stream holding `agg`. */
export function toSeriesOf(
  metric: string,
  contains: ValueType,
  tags: Record<string, string>,
  agg: Aggregate,
): Series {
  return { metric, contains, tags, ...agg };
}
