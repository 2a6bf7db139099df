import type { ExpHistogram, IntervalRecord, MetricType, Series, ValueType } from '../../contracts/metrics';
import { type Aggregate, aggregateOf, mergeAggregate } from './aggregate';
import { tagsKey, tagsMatch } from './series-key';

/**
 * Gauges whose fleet value is the SUM over runners (each runner runs its share of the
 * VUs). Any other gauge is a value some VU set; a single k6 would report the last one,
 * which across runners is best approximated by the largest last value.
 */
const FLEET_SUM_GAUGES: ReadonlySet<string> = new Set(['vus', 'vus_max']);

type Tags = Record<string, string>;

/** A summed stream (counter, rate or trend) of one metric × tags over all runners. */
interface SummedStream {
  tags: Tags;
  agg: Exclude<Aggregate, { type: 'gauge' }>;
}

/** A gauge stream of one runner (source) × tags; seq orders updates across streams. */
interface GaugeStream {
  source: string;
  tags: Tags;
  value: number;
  min: number;
  max: number;
  seq: number;
}

interface MetricEntry {
  type: MetricType;
  contains: ValueType;
  summed: Map<string, SummedStream>;
  gauges: Map<string, GaugeStream>;
}

/** Compact aggregate encoding: counter → value; rate → [nonzero, total]; trend → histogram. */
type PackedAggregate = number | [number, number] | ExpHistogram;

/** Persisted form of a MetricTable (the watcher keeps it between stateless ticks). */
export interface MetricTableJSON {
  v: 1;
  /** Update counter used to order gauge updates. */
  seq: number;
  /** Last interval seq applied per runner (addRecord ignores records at or below it). */
  lastSeq: Record<string, number>;
  metrics: Record<
    string,
    {
      t: MetricType;
      c: ValueType;
      /** Summed streams: [tags, packed aggregate]. */
      s?: Array<[Tags, PackedAggregate]>;
      /** Gauge streams: [source, tags, value, min, max, seq]. */
      g?: Array<[string, Tags, number, number, number, number]>;
    }
  >;
}

export interface Selection {
  type: MetricType;
  contains: ValueType;
  agg: Aggregate;
}

function pack(agg: SummedStream['agg']): PackedAggregate {
  switch (agg.type) {
    case 'counter':
      return agg.value;
    case 'rate':
      return [agg.nonzero, agg.total];
    case 'trend':
      return agg.hist;
  }
}

function unpack(type: MetricType, p: PackedAggregate): SummedStream['agg'] {
  if (type === 'counter' && typeof p === 'number') return { type, value: p };
  if (type === 'rate' && Array.isArray(p)) return { type, nonzero: p[0], total: p[1] };
  if (type === 'trend' && typeof p === 'object' && !Array.isArray(p)) return { type, hist: p };
  throw new TypeError(`MetricTable JSON: bad ${type} aggregate`);
}

/**
 * The merged metrics of many runners over many intervals. Counters, rates and trends are
 * summed per metric × tags across runners (trends by exact histogram merge); gauges are
 * kept per runner and combined on select(): `vus`/`vus_max` as the sum of the runners'
 * latest values (min/max as sums of the runners' min/max, which holds for runners that
 * ramp in step, as segments make them), any other gauge as the largest latest value with
 * the overall min/max — what one k6 holding every runner's samples would report.
 */
export class MetricTable {
  private metrics = new Map<string, MetricEntry>();
  private lastSeq = new Map<string, number>();
  private seq = 0;

  /** Adds one series of one runner (source = runnerId). */
  add(series: Series, source: string): void {
    const entry = this.entryFor(series);
    const key = tagsKey(series.tags);
    if (series.type === 'gauge') {
      const gkey = `${source}\u0000${key}`;
      const prev = entry.gauges.get(gkey);
      entry.gauges.set(gkey, {
        source,
        tags: series.tags,
        value: series.value,
        min: prev ? Math.min(prev.min, series.min) : series.min,
        max: prev ? Math.max(prev.max, series.max) : series.max,
        seq: ++this.seq,
      });
      return;
    }
    const agg = aggregateOf(series) as SummedStream['agg'];
    const prev = entry.summed.get(key);
    entry.summed.set(key, {
      tags: series.tags,
      agg: prev ? (mergeAggregate(prev.agg, agg) as SummedStream['agg']) : agg,
    });
  }

  /**
   * Adds a runner's interval record. Returns false (and changes nothing) when a record
   * with this seq or a later one from the same runner was already added.
   */
  addRecord(rec: IntervalRecord): boolean {
    const last = this.lastSeq.get(rec.runnerId);
    if (last !== undefined && rec.seq <= last) return false;
    for (const s of rec.series) this.add(s, rec.runnerId);
    this.lastSeq.set(rec.runnerId, rec.seq);
    return true;
  }

  /** Last interval seq added for a runner, if any. */
  lastSeqOf(runnerId: string): number | undefined {
    return this.lastSeq.get(runnerId);
  }

  metricNames(): string[] {
    return [...this.metrics.keys()].sort();
  }

  typeOf(metric: string): MetricType | undefined {
    return this.metrics.get(metric)?.type;
  }

  containsOf(metric: string): ValueType | undefined {
    return this.metrics.get(metric)?.contains;
  }

  /** Distinct values of a tag over a metric's streams (e.g. check names of `checks`). */
  tagValues(metric: string, tag: string): string[] {
    const entry = this.metrics.get(metric);
    if (!entry) return [];
    const values = new Set<string>();
    for (const s of [...entry.summed.values(), ...entry.gauges.values()]) {
      const v = s.tags[tag];
      if (v !== undefined) values.add(v);
    }
    return [...values].sort();
  }

  /**
   * Everything of `metric` whose tags include every pair of `tagFilter` (k6 submetric
   * semantics), merged. Undefined when the metric is unknown or nothing matches.
   */
  select(metric: string, tagFilter: Readonly<Tags> = {}): Selection | undefined {
    const entry = this.metrics.get(metric);
    if (!entry) return undefined;
    const base = { type: entry.type, contains: entry.contains };
    if (entry.type === 'gauge') {
      const agg = this.combineGauges(metric, entry, tagFilter);
      return agg ? { ...base, agg } : undefined;
    }
    let agg: Aggregate | undefined;
    for (const s of entry.summed.values()) {
      if (!tagsMatch(s.tags, tagFilter)) continue;
      agg = agg ? mergeAggregate(agg, s.agg) : s.agg;
    }
    return agg ? { ...base, agg } : undefined;
  }

  private combineGauges(metric: string, entry: MetricEntry, filter: Readonly<Tags>): Aggregate | undefined {
    // Per runner: the latest matching value, and min/max over its matching streams.
    const perSource = new Map<string, { value: number; min: number; max: number; seq: number }>();
    for (const g of entry.gauges.values()) {
      if (!tagsMatch(g.tags, filter)) continue;
      const p = perSource.get(g.source);
      if (!p) perSource.set(g.source, { value: g.value, min: g.min, max: g.max, seq: g.seq });
      else
        perSource.set(g.source, {
          value: g.seq > p.seq ? g.value : p.value,
          seq: Math.max(g.seq, p.seq),
          min: Math.min(p.min, g.min),
          max: Math.max(p.max, g.max),
        });
    }
    const runners = [...perSource.values()];
    if (runners.length === 0) return undefined;
    if (FLEET_SUM_GAUGES.has(metric)) {
      const sum = (f: (r: (typeof runners)[number]) => number) => runners.reduce((acc, r) => acc + f(r), 0);
      return { type: 'gauge', value: sum((r) => r.value), min: sum((r) => r.min), max: sum((r) => r.max) };
    }
    return {
      type: 'gauge',
      value: Math.max(...runners.map((r) => r.value)),
      min: Math.min(...runners.map((r) => r.min)),
      max: Math.max(...runners.map((r) => r.max)),
    };
  }

  private entryFor(s: Series): MetricEntry {
    let entry = this.metrics.get(s.metric);
    if (!entry) {
      entry = { type: s.type, contains: s.contains, summed: new Map(), gauges: new Map() };
      this.metrics.set(s.metric, entry);
    } else if (entry.type !== s.type) {
      throw new TypeError(`metric ${s.metric} is a ${entry.type}, got a ${s.type} series`);
    }
    return entry;
  }

  toJSON(): MetricTableJSON {
    const metrics: MetricTableJSON['metrics'] = {};
    for (const [name, e] of this.metrics) {
      const m: MetricTableJSON['metrics'][string] = { t: e.type, c: e.contains };
      if (e.summed.size > 0) m.s = [...e.summed.values()].map((s) => [s.tags, pack(s.agg)]);
      if (e.gauges.size > 0)
        m.g = [...e.gauges.values()].map((g) => [g.source, g.tags, g.value, g.min, g.max, g.seq]);
      metrics[name] = m;
    }
    return { v: 1, seq: this.seq, lastSeq: Object.fromEntries(this.lastSeq), metrics };
  }

  static fromJSON(j: MetricTableJSON): MetricTable {
    if (j.v !== 1) throw new TypeError(`MetricTable JSON: unknown version ${String(j.v)}`);
    const t = new MetricTable();
    t.seq = j.seq;
    t.lastSeq = new Map(Object.entries(j.lastSeq));
    for (const [name, m] of Object.entries(j.metrics)) {
      const entry: MetricEntry = { type: m.t, contains: m.c, summed: new Map(), gauges: new Map() };
      for (const [tags, p] of m.s ?? []) entry.summed.set(tagsKey(tags), { tags, agg: unpack(m.t, p) });
      for (const [source, tags, value, min, max, seq] of m.g ?? [])
        entry.gauges.set(`${source}\u0000${tagsKey(tags)}`, { source, tags, value, min, max, seq });
      t.metrics.set(name, entry);
    }
    return t;
  }

  clone(): MetricTable {
    return MetricTable.fromJSON(structuredClone(this.toJSON()));
  }
}
