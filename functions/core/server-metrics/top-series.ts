import type { Correlation, ServerSample } from '../../contracts/server-metrics';

/** Series shown live, in status.json and in the summary's server overview. */
export const LIVE_TOP = 5;

/** The live view's series: the strongest correlates first, else the first ones read. */
export function topSeries(
  samples: readonly ServerSample[],
  correlations: readonly Correlation[],
): ServerSample[] {
  const bySeries = new Map(samples.map((s) => [s.series, s]));
  const ranked: ServerSample[] = [];
  for (const c of correlations) {
    const s = bySeries.get(c.series);
    if (s && !ranked.includes(s)) ranked.push(s);
  }
  for (const s of samples) if (!ranked.includes(s)) ranked.push(s);
  return ranked.slice(0, LIVE_TOP);
}
