import type { SeriesSelect } from '../../contracts/server-metrics';
import type { PromSample } from './prometheus-text';
import { seriesFilter, seriesKey } from './series-select';

/** One scrape of one source: when it was read and what it held. */
export interface Scrape {
  /** Epoch ms of the read. */
  readonly t: number;
  readonly samples: readonly PromSample[];
}

/** A series' value for one window. */
export interface WindowValue {
  readonly series: string;
  readonly value: number;
}

/** Monotonic counters: declared so, untyped `*_total`, or a histogram/summary's `_sum`/`_count`. */
export function isCounter(sample: PromSample): boolean {
  if (sample.type === 'counter') return true;
  if (sample.type === 'histogram' || sample.type === 'summary') {
    return sample.name.endsWith('_sum') || sample.name.endsWith('_count');
  }
  return sample.type === 'untyped' && sample.name.endsWith('_total');
}

/**
 * The window's values of one source: gauges as read in `current`, counters as their
 * per-second rate since `previous` (shown as `rate(name{…})`, the PromQL spelling).
 * A counter that went down was reset (a restart): its rate counts from zero, as
 * Prometheus's rate() does. Counters have no value on the first scrape; NaN/±Inf are dropped.
 */
export function windowValues(
  previous: Scrape | undefined,
  current: Scrape,
  select: SeriesSelect | undefined,
): WindowValue[] {
  const keep = seriesFilter(select);
  const before = new Map<string, number>();
  for (const s of previous?.samples ?? []) {
    if (isCounter(s) && keep(s)) before.set(seriesKey(s.name, s.labels), s.value);
  }
  const seconds = previous === undefined ? 0 : (current.t - previous.t) / 1000;
  const out: WindowValue[] = [];
  for (const s of current.samples) {
    if (!keep(s) || !Number.isFinite(s.value)) continue;
    const key = seriesKey(s.name, s.labels);
    if (!isCounter(s)) {
      out.push({ series: key, value: s.value });
      continue;
    }
    const last = before.get(key);
    if (last === undefined || seconds <= 0) continue;
    const delta = s.value >= last ? s.value - last : s.value;
    out.push({ series: `rate(${key})`, value: delta / seconds });
  }
  return out;
}
