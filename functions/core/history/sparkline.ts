const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line trend: one bar per value, scaled between the series' min and max; null values
 * (a run without that metric) print as a space, and `marks` (change-point indexes) as '│'
 * before the value they start.
 */
export function sparkline(values: ReadonlyArray<number | null>, marks: readonly number[] = []): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 0;
  const at = new Set(marks);
  let out = '';
  values.forEach((v, i) => {
    if (at.has(i)) out += '│';
    if (v === null || !Number.isFinite(v)) {
      out += ' ';
      return;
    }
    const k = hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1));
    out += BARS[k];
  });
  return out;
}
