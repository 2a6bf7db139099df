import type { RollupPoint, ServerSample } from '../../contracts';
import type { Finding } from './detect-anomalies';

/** Usage gauges and the capacity gauges they are compared with, by name suffix. */
const USAGE_SUFFIXES = ['_in_use', '_active', '_busy', '_used'];
const CAPACITY_SUFFIXES = ['_size', '_max', '_limit'];
/** p95 over this many times its baseline counts as climbing. */
const CLIMB_FACTOR = 1.5;
const MIN_BASELINE = 3;

const ms = (v: number) => `${v.toFixed(1)} ms`;

/** `name{labels}` → [name, '{labels}'] (gauges only: rates are never pool sizes). */
function splitSeries(series: string): [string, string] {
  const brace = series.indexOf('{');
  return brace === -1 ? [series, ''] : [series.slice(0, brace), series.slice(brace)];
}

/**
 * A pool pinned at its size while latency climbs: a usage gauge (`*_in_use`, `*_active`,
 * …) equal to its capacity gauge (`*_size`, `*_max`, … with the same prefix and labels)
 * in the server window, and the latest p95 over 1.5× the median of the windows before.
 * That is the database pool starving requests, the question the server metrics answer.
 */
export function poolSaturationFindings(
  samples: readonly ServerSample[],
  latest: RollupPoint | undefined,
  history: readonly RollupPoint[],
): Finding[] {
  const p95 = latest?.global.p95 ?? null;
  const past = history.flatMap((p) => (p.global.p95 === null || p === latest ? [] : [p.global.p95]));
  if (p95 === null || past.length < MIN_BASELINE) return [];
  const sorted = [...past].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  const baseline =
    sorted.length % 2 ? (sorted[m] as number) : ((sorted[m - 1] as number) + (sorted[m] as number)) / 2;
  if (!(p95 > CLIMB_FACTOR * baseline)) return [];

  const values = new Map(samples.map((s) => [s.series, s.value]));
  const out: Finding[] = [];
  for (const s of samples) {
    const [name, labels] = splitSeries(s.series);
    const suffix = USAGE_SUFFIXES.find((x) => name.endsWith(x));
    if (suffix === undefined) continue;
    const prefix = name.slice(0, -suffix.length);
    const capacity = CAPACITY_SUFFIXES.map((c) => values.get(`${prefix}${c}${labels}`)).find(
      (v) => v !== undefined,
    );
    if (capacity === undefined || capacity <= 0 || s.value < capacity) continue;
    const waiting = values.get(`${prefix}_waiting${labels}`);
    const queue = waiting === undefined ? '' : `, ${waiting} waiting`;
    out.push({
      key: `pool-saturated:${s.series}`,
      kind: 'pool-saturated',
      message: `${s.series} pinned at its size ${capacity}${queue} while p95 latency climbs to ${ms(p95)} (baseline ${ms(baseline)})`,
    });
  }
  return out;
}
