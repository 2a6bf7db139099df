import type { Correlation, ServerWindow } from '../../contracts/server-metrics';
import type { RollupPoint } from '../../contracts/status';
import { correlateSeries, type WindowSeries } from './correlate';
import { K6_SIDE } from './correlation-sentences';

/**
 * A run's correlations from what the store holds: the timeline (k6's windows, in order)
 * and the server windows (matched to the timeline by `window` index). Live, the watcher
 * calls it on the windows so far; at the end, the finalizer on all of them.
 */
export function runCorrelations(
  timeline: readonly RollupPoint[],
  serverWindows: readonly ServerWindow[],
  windowSeconds: number,
): Correlation[] {
  const k6: WindowSeries[] = [
    { name: K6_SIDE.p95, values: timeline.map((p) => p.global.p95) },
    { name: K6_SIDE.errorRate, values: timeline.map((p) => p.global.errorRate) },
    { name: K6_SIDE.rps, values: timeline.map((p) => p.global.rps) },
  ];
  return correlateSeries(serverSeries(serverWindows, timeline.length), k6, { windowSeconds });
}

/** Server windows pivoted into one value array per series, indexed like the timeline. */
export function serverSeries(windows: readonly ServerWindow[], length: number): WindowSeries[] {
  const bySeries = new Map<string, (number | null)[]>();
  for (const w of windows) {
    if (w.window >= length) continue;
    for (const s of w.samples) {
      let values = bySeries.get(s.series);
      if (values === undefined) {
        values = new Array<number | null>(length).fill(null);
        bySeries.set(s.series, values);
      }
      values[w.window] = s.value;
    }
  }
  return [...bySeries].map(([name, values]) => ({ name, values }));
}
