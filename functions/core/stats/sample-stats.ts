/** Mean and standard deviation helpers shared by the tests in compare/ and history/. */

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : Number.NaN;
}

/** Sample variance (n − 1); 0 for fewer than two values. */
export function variance(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return s / (xs.length - 1);
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Student's pooled two-sample t statistic and its degrees of freedom (as Otava's test). */
export function pooledT(left: readonly number[], right: readonly number[]): { t: number; df: number } {
  const n1 = left.length;
  const n2 = right.length;
  const df = n1 + n2 - 2;
  if (n1 === 0 || n2 === 0 || df <= 0) return { t: 0, df: Math.max(0, df) };
  const diff = mean(right) - mean(left);
  const sp2 = ((n1 - 1) * variance(left) + (n2 - 1) * variance(right)) / df;
  const se = Math.sqrt(sp2 * (1 / n1 + 1 / n2));
  if (se === 0) return { t: diff === 0 ? 0 : Math.sign(diff) * Number.POSITIVE_INFINITY, df };
  return { t: diff / se, df };
}
