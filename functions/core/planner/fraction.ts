/** Exact non-negative fractions for execution-segment boundaries (k6 wants "a/b" strings). */
export interface Fraction {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

export function fraction(n: bigint, d: bigint): Fraction {
  if (d <= 0n) throw new Error('fraction denominator must be positive');
  const g = gcd(n < 0n ? -n : n, d) || 1n;
  return { n: n / g, d: d / g };
}

export const addFractions = (a: Fraction, b: Fraction): Fraction =>
  fraction(a.n * b.d + b.n * a.d, a.d * b.d);

export function formatFraction(f: Fraction): string {
  if (f.n === 0n) return '0';
  if (f.n === f.d) return '1';
  return `${f.n}/${f.d}`;
}

export const fractionValue = (f: Fraction): number => Number(f.n) / Number(f.d);
