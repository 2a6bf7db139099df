import type { Series } from '../../contracts/metrics';
import { aggregateOf, mergeAggregate, toSeriesOf } from './aggregate';
import { seriesKey } from './series-key';

/**
 * Collects series and merges those of the same metric × tags (in arrival order, so a
 * gauge keeps its latest value), giving one series per stream on drain().
 */
export class SeriesAccumulator {
  private streams = new Map<string, Series>();

  add(s: Series): void {
    const key = seriesKey(s.metric, s.tags);
    const prev = this.streams.get(key);
    this.streams.set(
      key,
      prev
        ? toSeriesOf(s.metric, prev.contains, prev.tags, mergeAggregate(aggregateOf(prev), aggregateOf(s)))
        : s,
    );
  }

  get size(): number {
    return this.streams.size;
  }

  /** Everything added since the last drain, one series per stream. */
  drain(): Series[] {
    const out = [...this.streams.values()];
    this.streams = new Map();
    return out;
  }
}
