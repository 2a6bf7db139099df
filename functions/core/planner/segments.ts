import { addFractions, type Fraction, formatFraction, fraction, fractionValue } from './fraction';

export interface SegmentedRunner {
  region: string;
  index: number;
  /** `from:to`, e.g. `1/4:1/2`. */
  segment: string;
  share: number;
}

export interface SegmentPlan {
  /** Boundaries `0, …, 1`, shared by every runner so k6 splits VUs and iterations exactly. */
  sequence: string[];
  runners: SegmentedRunner[];
}

/**
 * Splits [0,1] into one execution segment per runner: region r gets weight_r/100 of the
 * test, divided evenly among its runners. Weights are taken to 1/100 of a percent, so the
 * boundaries are exact fractions and the segments tile [0,1] with no gap: k6 then gives
 * each instance an integer share of VUs and iterations whose sum is the whole test.
 */
export function planSegments(regions: { name: string; weight: number; runners: number }[]): SegmentPlan {
  const basisPoints = regions.map((r) => BigInt(Math.round(r.weight * 100)));
  const total = basisPoints.reduce((a, b) => a + b, 0n);
  if (total !== 10000n) throw new Error(`weights must sum to 100 (to 0.01), got ${Number(total) / 100}`);
  let at: Fraction = fraction(0n, 1n);
  const sequence = ['0'];
  const runners: SegmentedRunner[] = [];
  regions.forEach((r, i) => {
    const width = fraction(basisPoints[i] ?? 0n, 10000n * BigInt(r.runners));
    for (let index = 0; index < r.runners; index++) {
      const to = addFractions(at, width);
      // The last boundary is exactly 1 by construction; format it as k6 expects.
      runners.push({
        region: r.name,
        index,
        segment: `${formatFraction(at)}:${formatFraction(to)}`,
        share: fractionValue(width),
      });
      sequence.push(formatFraction(to));
      at = to;
    }
  });
  return { sequence, runners };
}
