import type { ExpHistogram } from '../../contracts/metrics';
import { subtractHistograms } from '../../core/histogram/exp-histogram';
import type { DecodedPoint } from './otlp-decode';

type Cumulative = { startTimeMs: number } & ({ value: number } | { hist: ExpHistogram });

function streamKey(p: DecodedPoint): string {
  const attrs = Object.keys(p.attributes)
    .sort()
    .map((k) => [k, p.attributes[k]]);
  return `${p.kind}\u0000${p.name}\u0000${JSON.stringify(attrs)}`;
}

/**
 * Turns CUMULATIVE sums and exponential histograms into deltas by remembering the last
 * cumulative point per stream (name × all attributes). k6 sends DELTA when asked to (see
 * otlp-decode.ts), so this only guards against an exporter that ignores the preference.
 * A restarted stream (new start time, or a value that went down) counts from zero.
 */
export class CumulativeToDelta {
  private last = new Map<string, Cumulative>();

  /** The delta form of p, or null when nothing happened since the previous point. */
  toDelta(p: DecodedPoint): DecodedPoint | null {
    if (p.kind === 'gauge' || p.temporality !== 'cumulative') return p;
    const key = streamKey(p);
    const prev = this.last.get(key);
    const restarted = !prev || prev.startTimeMs !== p.startTimeMs;
    if (p.kind === 'sum') {
      this.last.set(key, { startTimeMs: p.startTimeMs, value: p.value });
      const before = !restarted && 'value' in prev && prev.value <= p.value ? prev.value : 0;
      const delta = p.value - before;
      return delta === 0 && !restarted ? null : { ...p, temporality: 'delta', value: delta };
    }
    this.last.set(key, { startTimeMs: p.startTimeMs, hist: p.hist });
    if (restarted || !('hist' in prev) || prev.hist.count > p.hist.count)
      return { ...p, temporality: 'delta' };
    const hist = subtractHistograms(p.hist, prev.hist);
    return hist.count === 0 ? null : { ...p, temporality: 'delta', hist };
  }
}
