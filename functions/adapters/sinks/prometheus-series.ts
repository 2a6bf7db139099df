import { z } from 'zod';
import {
  type ExpHistogram,
  ExpHistogramSchema,
  type IntervalRecord,
  type Series,
} from '../../contracts/metrics';
import { mergeHistograms } from '../../core/histogram/exp-histogram';
import { histogramQuantile } from '../../core/histogram/histogram-quantile';
import { toNativeHistogram } from './native-histogram';
import {
  EVENT_SERIES,
  PROM_FIELDS,
  PROM_LABEL,
  promName,
  ROLLUP_COUNTERS,
  seriesNames,
  TREND_FALLBACK_STATS,
  tagLabel,
  timeDivisor,
} from './prometheus-names';
import type { PromLabel, PromTimeSeries } from './remote-write-proto';
import { MEASURE, SCOPE } from './schema';
import type { PointGroup } from './sink-points';

/** Longest label value kept (events' text, tags): bounded series size. */
const MAX_LABEL_VALUE_CHARS = 1024;

/** Sorted labels (the wire wants them sorted by name), empty values left out. */
export function promLabels(name: string, labels: Record<string, string>): PromLabel[] {
  const out: PromLabel[] = [{ name: PROM_LABEL.name, value: name }];
  for (const [k, v] of Object.entries(labels)) {
    if (v === '' || k === PROM_LABEL.name) continue;
    out.push({ name: k, value: v.length > MAX_LABEL_VALUE_CHARS ? v.slice(0, MAX_LABEL_VALUE_CHARS) : v });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const keyOf = (labels: PromLabel[]) => labels.map((l) => `${l.name}\u0000${l.value}`).join('\u0001');

/** Running totals as the watch state stores them. */
export const PromStateSchema = z.object({
  counters: z.array(z.tuple([z.string(), z.number()])),
  histograms: z.array(z.tuple([z.string(), ExpHistogramSchema])),
});
export interface PromStateJSON {
  counters: [string, number][];
  histograms: [string, ExpHistogram][];
}

/**
 * Running totals per series since the run's start: our records carry deltas, Prometheus
 * wants cumulative counters. Built from the same records in the same order, the values are
 * the same every time — which makes a re-send (replay) idempotent.
 */
export class PromCumulative {
  private readonly counters = new Map<string, number>();
  private readonly histograms = new Map<string, ExpHistogram>();

  add(labels: PromLabel[], delta: number): number {
    const k = keyOf(labels);
    const v = (this.counters.get(k) ?? 0) + delta;
    this.counters.set(k, v);
    return v;
  }

  addHistogram(labels: PromLabel[], delta: ExpHistogram): ExpHistogram {
    const k = keyOf(labels);
    const prev = this.histograms.get(k);
    const v = prev ? mergeHistograms(prev, delta) : delta;
    this.histograms.set(k, v);
    return v;
  }

  toJSON(): PromStateJSON {
    return { counters: [...this.counters], histograms: [...this.histograms] };
  }

  static fromJSON(j: PromStateJSON): PromCumulative {
    const c = new PromCumulative();
    for (const [k, v] of j.counters) c.counters.set(k, v);
    for (const [k, v] of j.histograms) c.histograms.set(k, v);
    return c;
  }
}

export interface PromMapOptions {
  /** Trends as native histograms; otherwise k6's stat gauges (`k6_<m>_p95`, …). @default true */
  nativeHistograms?: boolean;
}

const sample = (labels: PromLabel[], value: number, timestamp: number): PromTimeSeries => ({
  labels,
  samples: [{ value, timestamp }],
});

/** The Prometheus series of one k6 series in one runner interval (cumulative values). */
function seriesOf(
  s: Series,
  common: Record<string, string>,
  at: number,
  cum: PromCumulative,
  opts: PromMapOptions,
): PromTimeSeries[] {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.tags)) tags[tagLabel(k)] = v;
  const dims = { ...common, ...tags };
  const names = seriesNames(s);
  switch (s.type) {
    case 'counter': {
      const labels = promLabels(names.counter, dims);
      return [sample(labels, cum.add(labels, s.value), at)];
    }
    case 'gauge':
      return [sample(promLabels(names.gauge, dims), s.value, at)];
    case 'rate': {
      const nz = promLabels(names.counter, { ...dims, [PROM_LABEL.condition]: 'nonzero' });
      const z = promLabels(names.counter, { ...dims, [PROM_LABEL.condition]: 'zero' });
      const nonzero = cum.add(nz, s.nonzero);
      const zero = cum.add(z, s.total - s.nonzero);
      const out = [sample(nz, nonzero, at), sample(z, zero, at)];
      if (nonzero + zero > 0) out.push(sample(promLabels(names.rate, dims), nonzero / (nonzero + zero), at));
      return out;
    }
    case 'trend': {
      const labels = promLabels(names.histogram, dims);
      const hist = cum.addHistogram(labels, s.hist);
      const div = timeDivisor(s);
      const native = opts.nativeHistograms === false ? null : toNativeHistogram(hist, div, at);
      if (native) return [{ labels, histograms: [native] }];
      const out: PromTimeSeries[] = [];
      for (const [stat, q] of TREND_FALLBACK_STATS) {
        const v = histogramQuantile(hist, q);
        if (v !== null) out.push(sample(promLabels(`${names.gauge}_${stat}`, dims), v / div, at));
      }
      if (hist.count > 0)
        out.push(sample(promLabels(`${names.gauge}_avg`, dims), hist.sum / hist.count / div, at));
      return out;
    }
  }
}

/** One runner interval: its k6 series (cumulative since the run's start) and process stats. */
export function intervalSeries(
  rec: IntervalRecord,
  testName: string | undefined,
  cum: PromCumulative,
  opts: PromMapOptions = {},
): PromTimeSeries[] {
  const common: Record<string, string> = {
    [PROM_LABEL.runId]: rec.runId,
    ...(testName ? { [PROM_LABEL.testName]: testName } : {}),
    [PROM_LABEL.region]: rec.region,
    [PROM_LABEL.runner]: rec.runnerId,
    [PROM_LABEL.scope]: SCOPE.runner,
  };
  return rec.series.flatMap((s) => seriesOf(s, common, rec.endMs, cum, opts));
}

/**
 * Any other point group (process stats, rollups, events, thresholds, run point): each
 * numeric field a gauge `<measure>_<field>` in base units; rollup request and iteration
 * counts also as cumulative counters; events as `k6_event` = 1 with the text as a label.
 */
export function groupSeries(group: PointGroup, cum: PromCumulative): PromTimeSeries[] {
  const out: PromTimeSeries[] = [];
  for (const p of group.points) {
    const dims = { ...group.common, ...p.dims };
    if (p.measure === MEASURE.series) continue; // per-runner series go through intervalSeries
    if (p.measure === MEASURE.event) {
      out.push(sample(promLabels(EVENT_SERIES, { ...dims, text: String(p.fields.text ?? '') }), 1, p.time));
      continue;
    }
    const fields = PROM_FIELDS[p.measure] ?? {};
    for (const [field, value] of Object.entries(p.fields)) {
      if (typeof value !== 'number') continue;
      const map = fields[field];
      if (map) out.push(sample(promLabels(`${p.measure}_${promName(map[0])}`, dims), value * map[1], p.time));
      const counter = p.measure === MEASURE.rollup ? ROLLUP_COUNTERS[field] : undefined;
      if (counter) {
        const labels = promLabels(counter, dims);
        out.push(sample(labels, cum.add(labels, value), p.time));
      }
    }
  }
  return out;
}
