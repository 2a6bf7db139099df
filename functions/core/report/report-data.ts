import type { LiveStats, RollupPoint } from '../../contracts';

/** One line of a chart, ready for uPlot: values align with the chart's x. */
export interface ChartSeries {
  label: string;
  colour: string;
  width: number;
  dash?: number[];
  /** 2: drawn against the chart's second (right) axis, in `y2Unit`. */
  axis?: 2;
  values: (number | null)[];
}

/** How a chart's y values read: the page formats axes and legends by it. */
export type ChartUnit = 'per-second' | 'count' | 'percent' | 'ms' | 'bytes';

export interface ChartSpec {
  id: string;
  title: string;
  unit: ChartUnit;
  /** Unit of the right axis, when some series use it (`axis: 2`). */
  y2Unit?: ChartUnit;
  /** Seconds since the run's start. */
  x: number[];
  series: ChartSeries[];
}

export const GLOBAL_LABEL = 'all regions';
const GLOBAL_COLOUR = '#1f2937';
/** Okabe–Ito colours (distinguishable with colour-vision deficiencies), minus the yellow
 * that is unreadable on white; dashes tell regions apart once colours repeat. */
const REGION_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const PERCENTILE_STYLE = {
  p50: { colour: '#009E73', dash: undefined },
  p95: { colour: '#0072B2', dash: undefined },
  p99: { colour: '#D55E00', dash: [6, 4] },
} as const;

/** Regions in the summary's order, then any that only the timeline knows. */
export function orderRegions(listed: readonly string[], timeline: readonly RollupPoint[]): string[] {
  const names = [...listed];
  for (const point of timeline) {
    for (const name of Object.keys(point.regions)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Shapes the watcher's timeline into the report's charts (global line + one per region). */
export function buildCharts(timeline: readonly RollupPoint[], regions: readonly string[]): ChartSpec[] {
  const points = [...timeline].sort((a, b) => a.elapsedMs - b.elapsedMs);
  const x = points.map((p) => p.elapsedMs / 1000);
  const perRegion = (
    id: string,
    title: string,
    unit: ChartUnit,
    pick: (s: LiveStats) => number | null,
  ): ChartSpec => ({
    id,
    title,
    unit,
    x,
    series: [
      { label: GLOBAL_LABEL, colour: GLOBAL_COLOUR, width: 2.5, values: points.map((p) => pick(p.global)) },
      ...regions.map((name, i) => regionSeries(name, i, points, pick)),
    ],
  });
  const percent = (s: LiveStats) => (s.errorRate === null ? null : s.errorRate * 100);
  return [
    perRegion('requests', 'Requests per second', 'per-second', (s) => s.rps),
    perRegion('vus', 'Virtual users', 'count', (s) => s.vus),
    perRegion('errors', 'Error rate (failed requests)', 'percent', percent),
    {
      id: 'latency',
      title: `Request latency, ${GLOBAL_LABEL}`,
      unit: 'ms',
      x,
      series: (['p50', 'p95', 'p99'] as const).map((p) => ({
        label: p,
        colour: PERCENTILE_STYLE[p].colour,
        width: 2,
        ...(PERCENTILE_STYLE[p].dash ? { dash: [...PERCENTILE_STYLE[p].dash] } : {}),
        values: points.map((pt) => pt.global[p]),
      })),
    },
    perRegion('latency-regions', 'Request latency p95 per region', 'ms', (s) => s.p95),
  ];
}

function regionSeries(
  name: string,
  index: number,
  points: readonly RollupPoint[],
  pick: (s: LiveStats) => number | null,
): ChartSeries {
  const round = Math.floor(index / REGION_COLOURS.length);
  return {
    label: name,
    colour: REGION_COLOURS[index % REGION_COLOURS.length]!,
    width: 1.5,
    ...(round > 0 ? { dash: [2 + 4 * round, 3] } : {}),
    // A region without a point in a window drew nothing then: a gap, not a zero.
    values: points.map((p) => {
      const stats = p.regions[name];
      return stats ? pick(stats) : null;
    }),
  };
}
