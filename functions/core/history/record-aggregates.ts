import type { RecordAggregate } from '../../contracts/history-record';
import type { MetricType } from '../../contracts/metrics';
import type { Aggregate } from '../metrics/aggregate';

/** The record's form of an aggregate: exact counts, the whole histogram. */
export function packAggregate(agg: Aggregate): RecordAggregate {
  switch (agg.type) {
    case 'counter':
      return { count: agg.value };
    case 'rate':
      return { nonzero: agg.nonzero, total: agg.total };
    case 'trend':
      return { hist: agg.hist };
    case 'gauge':
      return { value: agg.value, min: agg.min, max: agg.max };
  }
}

/** Back to a core Aggregate (for statValue and the comparison); undefined when the shape does not fit the type. */
export function unpackAggregate(type: MetricType, a: RecordAggregate): Aggregate | undefined {
  if (type === 'counter' && 'count' in a) return { type, value: a.count };
  if (type === 'rate' && 'nonzero' in a) return { type, nonzero: a.nonzero, total: a.total };
  if (type === 'trend' && 'hist' in a) return { type, hist: a.hist };
  if (type === 'gauge' && 'value' in a) return { type, value: a.value, min: a.min, max: a.max };
  return undefined;
}
