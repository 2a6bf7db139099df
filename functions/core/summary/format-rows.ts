import type pc from 'picocolors';

/** Colour functions; `createColors(false)` gives the same API without ANSI codes. */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * One line of a k6-style block: `name.....: value extra extra`. Names get dotted leaders to a
 * shared colon column; values and each extra column are padded to the widest in the block.
 * `trend` rows are `stat=value` columns instead.
 */
export type Row =
  | { indent: number; name: string; value: string; extras: string[] }
  | { indent: number; name: string; trend: Array<{ stat: string; value: string }> };

/** Renders rows with k6's alignment: colon column = widest indent+name + 3 dots. */
export function renderRows(rows: Row[], c: Colors): string[] {
  const width = (s: string) => [...s].length;
  const nameCol = Math.max(0, ...rows.map((r) => r.indent + width(r.name)));
  const valueCol = Math.max(0, ...rows.map((r) => ('value' in r ? width(r.value) : 0)));
  const extraCols: number[] = [];
  const trendCols: number[] = [];
  const widen = (cols: number[], i: number, text: string) => {
    cols[i] = Math.max(cols[i] ?? 0, width(text));
  };
  for (const r of rows) {
    if ('value' in r) {
      for (const [i, e] of r.extras.entries()) widen(extraCols, i, e);
    } else {
      for (const [i, t] of r.trend.entries()) widen(trendCols, i, t.value);
    }
  }
  return rows.map((r) => {
    const dots = nameCol - r.indent - width(r.name) + 3;
    const head = `${' '.repeat(r.indent)}${r.name}${c.dim(c.white(`${'.'.repeat(dots)}:`))}`;
    let data: string;
    if ('value' in r) {
      data = c.cyan(r.value) + ' '.repeat(valueCol - width(r.value));
      if (r.extras.length === 1) data += ` ${c.dim(c.cyan(r.extras[0]!))}`;
      else if (r.extras.length > 1) {
        const cols = r.extras.map((e, i) => c.dim(c.cyan(e)) + ' '.repeat((extraCols[i] ?? 0) - width(e)));
        data += ` ${cols.join(' ')}`;
      }
    } else {
      data = r.trend
        .map((t, i) => `${t.stat}=${c.cyan(t.value)}${' '.repeat((trendCols[i] ?? 0) - width(t.value))}`)
        .join(' ');
    }
    return `${head} ${data}`.trimEnd();
  });
}
