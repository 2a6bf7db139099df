import { describe, expect, it } from 'vitest';
import { bestSplit, changePoints } from '../../functions/core/history/e-divisive';
import { sparkline } from '../../functions/core/history/sparkline';
import { seededRandom as rng } from '../../target/random';

const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const series = (seed: number, parts: Array<[number, number]>, sd: number) => {
  const r = rng(seed);
  return parts.flatMap(([n, level]) => Array.from({ length: n }, () => level + sd * gauss(r)));
};

describe('E-divisive change points', () => {
  it('splits where the energy divergence peaks', () => {
    expect(bestSplit([1, 1, 1, 1, 9, 9, 9], 0, 7, 2)).toBe(4);
    expect(bestSplit([1, 2, 3], 0, 3, 2)).toBeNull();
  });

  it('finds one planted shift at the right run', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const xs = series(
        seed,
        [
          [22, 100],
          [14, 125],
        ],
        4,
      );
      const cps = changePoints(xs);
      expect(cps.map((c) => c.index)).toEqual([22]);
      expect(cps[0]!.relChange).toBeGreaterThan(0.2);
      expect(cps[0]!.relChange).toBeLessThan(0.3);
      expect(cps[0]!.pValue).toBeLessThan(0.001);
    }
  });

  it('finds nothing in noise and nothing in a flat line', () => {
    let spurious = 0;
    for (let seed = 10; seed < 30; seed++) spurious += changePoints(series(seed, [[60, 100]], 5)).length;
    expect(spurious).toBeLessThanOrEqual(1);
    expect(changePoints(new Array(40).fill(7))).toEqual([]);
    expect(changePoints([])).toEqual([]);
    expect(changePoints([1, 2])).toEqual([]);
  });

  it('finds several shifts, up and down', () => {
    const xs = series(
      42,
      [
        [30, 50],
        [25, 70],
        [30, 55],
      ],
      2,
    );
    expect(changePoints(xs).map((c) => c.index)).toEqual([30, 55]);
  });

  it('drops changes below minMagnitude', () => {
    const xs = series(
      9,
      [
        [30, 100],
        [30, 103],
      ],
      0.5,
    );
    expect(changePoints(xs).map((c) => c.index)).toEqual([30]);
    expect(changePoints(xs, { minMagnitude: 0.05 })).toEqual([]);
  });

  it('refuses non-finite values', () => {
    expect(() => changePoints([1, Number.NaN, 2])).toThrow(/finite/);
  });
});

describe('sparkline', () => {
  it('scales values to eight bars, marks change points, leaves gaps for nulls', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([1, 1, 8, 8], [2])).toBe('▁▁│██');
    expect(sparkline([5, null, 5])).toBe('▄ ▄');
    expect(sparkline([])).toBe('');
  });
});
