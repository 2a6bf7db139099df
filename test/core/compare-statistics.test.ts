import { describe, expect, it } from 'vitest';
import type { ExpHistogram } from '../../functions/contracts';
import { classifyRow, overallVerdict, passScore } from '../../functions/core/compare/classify-row';
import { directionRule, toleranceOf, worseSign } from '../../functions/core/compare/direction-rules';
import { hodgesLehmann, mannWhitney } from '../../functions/core/compare/mann-whitney';
import {
  quantileInterval,
  quantileShift,
  twoProportionTest,
} from '../../functions/core/compare/quantile-shift';
import { emptyHistogram, observe } from '../../functions/core/histogram/exp-histogram';
import {
  normalCdf,
  normalQuantile,
  normalTwoSidedP,
  studentTwoSidedP,
} from '../../functions/core/stats/distributions';
import { seededRandom as rng } from '../../target/random';

const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const hist = (values: number[]): ExpHistogram => {
  const h = emptyHistogram();
  for (const v of values) observe(h, v);
  return h;
};
const lognormal = (r: () => number, median: number, sigma: number, n: number) =>
  Array.from({ length: n }, () => median * Math.exp(sigma * gauss(r)));

describe('distributions', () => {
  it('match reference values (scipy.stats)', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalTwoSidedP(2.5758293035489)).toBeCloseTo(0.01, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 7);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
    // t.sf(2.228138851986, 10) * 2 = 0.05; t with 1 df at t = 1 is 0.5.
    expect(studentTwoSidedP(2.228138851986, 10)).toBeCloseTo(0.05, 6);
    expect(studentTwoSidedP(1, 1)).toBeCloseTo(0.5, 9);
    expect(studentTwoSidedP(4.587, 10)).toBeCloseTo(0.001, 4);
    expect(studentTwoSidedP(0, 5)).toBe(1);
  });
});

describe('Mann–Whitney U', () => {
  it('is exact for small samples without ties', () => {
    const r = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.exact).toBe(true);
    expect(r.u).toBe(25);
    expect(r.pValue).toBeCloseTo(2 / 252, 10); // the most extreme of C(10,5) arrangements, both tails
    expect(r.probabilityOfSuperiority).toBe(1);
    expect(r.rankBiserial).toBe(1);
    // scipy.stats.mannwhitneyu([1,3,5,7,9],[2,4,6,8,10], method='exact') → U=15, p=0.6904761904761905
    const s = mannWhitney([1, 3, 5, 7, 9], [2, 4, 6, 8, 10]);
    expect(s.u).toBe(15);
    expect(s.pValue).toBeCloseTo(0.6904761904761905, 10);
  });

  it('uses the tie-corrected normal approximation with ties', () => {
    // scipy.stats.mannwhitneyu(y, x, method='asymptotic') → U = 40.5, p = 0.03484816436814561
    const x = [1, 2, 2, 3, 3, 3, 4, 5];
    const y = [3, 4, 4, 5, 5, 6];
    const r = mannWhitney(x, y);
    expect(r.exact).toBe(false);
    expect(r.u).toBe(40.5);
    expect(r.pValue).toBeCloseTo(0.03484816436814561, 6);
  });

  it('finds no shift between samples of one distribution and a clear one after a shift', () => {
    const r = rng(7);
    const a = Array.from({ length: 60 }, () => 20 + gauss(r));
    const b = Array.from({ length: 60 }, () => 20 + gauss(r));
    const c = Array.from({ length: 60 }, () => 30 + gauss(r));
    expect(mannWhitney(a, b).pValue).toBeGreaterThan(0.05);
    const shifted = mannWhitney(a, c);
    expect(shifted.pValue).toBeLessThan(1e-10);
    expect(shifted.rankBiserial).toBe(1);
  });

  it('gives an honest false-positive rate at 5% over many same-distribution pairs', () => {
    const r = rng(11);
    let hits = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: 12 }, () => gauss(r));
      const b = Array.from({ length: 12 }, () => gauss(r));
      if (mannWhitney(a, b).pValue < 0.05) hits++;
    }
    expect(hits / trials).toBeLessThan(0.08);
    expect(hits / trials).toBeGreaterThan(0.02);
  });
});

describe('Hodges–Lehmann', () => {
  it('estimates the shift with an interval that covers it', () => {
    const r = rng(3);
    const a = Array.from({ length: 40 }, () => 100 + 5 * gauss(r));
    const b = Array.from({ length: 40 }, () => 110 + 5 * gauss(r));
    const hl = hodgesLehmann(a, b);
    expect(hl.estimate).toBeGreaterThan(7);
    expect(hl.estimate).toBeLessThan(13);
    expect(hl.lower).not.toBeNull();
    expect(hl.lower!).toBeLessThan(10);
    expect(hl.upper!).toBeGreaterThan(10);
    expect(hl.lower!).toBeGreaterThan(0);
  });
  it('is the median of pairwise differences, without an interval for tiny samples', () => {
    const hl = hodgesLehmann([1, 2], [4, 6]);
    expect(hl.estimate).toBe(3.5); // differences 2,3,4,5
    expect(hl.lower).toBeNull();
  });
});

describe('whole-run quantile shift from bucket counts', () => {
  it('sees no shift between two samples of one latency distribution', () => {
    const r = rng(5);
    const a = hist(lognormal(r, 20, 0.3, 5000));
    const b = hist(lognormal(r, 20, 0.3, 5000));
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const s = quantileShift(a, b, q);
      expect(s.pValue).toBeGreaterThan(0.001);
      expect(s.lower!).toBeLessThan(0);
      expect(s.upper!).toBeGreaterThan(0);
    }
  });

  it('sees a +50% latency shift at every quantile, inside its interval', () => {
    const r = rng(6);
    const a = hist(lognormal(r, 20, 0.3, 3000));
    const b = hist(lognormal(r, 30, 0.3, 3000));
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const s = quantileShift(a, b, q);
      expect(s.pValue).toBeLessThan(1e-6);
      const exactDelta = 10 * Math.exp(0.3 * normalQuantile(q));
      expect(s.lower!).toBeLessThan(exactDelta);
      expect(s.upper!).toBeGreaterThan(exactDelta);
      expect(s.lower!).toBeGreaterThan(0);
    }
  });

  it('interval of a quantile covers the true one', () => {
    const r = rng(8);
    const h = hist(lognormal(r, 50, 0.5, 2000));
    const [lo, hi] = quantileInterval(h, 0.95, 0.95)!;
    const truth = 50 * Math.exp(0.5 * normalQuantile(0.95));
    expect(lo).toBeLessThan(truth);
    expect(hi).toBeGreaterThan(truth);
  });

  it('two-proportion test on exact counts', () => {
    const same = twoProportionTest(10, 1000, 12, 1000);
    expect(same.pValue).toBeGreaterThan(0.5);
    const worse = twoProportionTest(10, 1000, 60, 1000);
    expect(worse.pValue).toBeLessThan(1e-8);
    expect(worse.delta).toBeCloseTo(0.05, 10);
    expect(twoProportionTest(0, 500, 0, 500)).toMatchObject({ delta: 0, pValue: 1 });
  });
});

describe('direction rules and classification', () => {
  const latency = directionRule('http_req_duration', 'trend', 'time');
  const throughput = directionRule('http_reqs', 'counter', 'default');
  const errors = directionRule('http_req_failed', 'rate', 'default');

  it('knows which way each metric gets worse', () => {
    expect(latency.worse).toBe('up');
    expect(throughput.worse).toBe('down');
    expect(errors.worse).toBe('up');
    expect(directionRule('checks', 'rate', 'default').worse).toBe('down');
    expect(directionRule('my_latency', 'trend', 'time').worse).toBe('up');
    expect(directionRule('my_counter', 'counter', 'default').worse).toBe('both');
    expect(directionRule('vus', 'gauge', 'default').worse).toBe('none');
    expect(
      directionRule('http_reqs', 'counter', 'default', { http_reqs: { relTolerance: 0.3 } }).relTolerance,
    ).toBe(0.3);
    expect(worseSign(throughput, -5)).toBe(1);
    expect(worseSign(throughput, 5)).toBe(-1);
    expect(toleranceOf(latency, 0.2)).toBe(1); // absolute floor for sub-millisecond latencies
    expect(toleranceOf(errors, 0)).toBe(0.005);
  });

  it('fails a significant change beyond the tolerance the worse way only', () => {
    expect(classifyRow(latency, { baseline: 20, current: 30, wholeRunP: 1e-9, windowsP: 1e-5 })).toEqual({
      classification: 'fail',
      pValue: 1e-5,
    });
    // The same change the better way passes.
    expect(
      classifyRow(latency, { baseline: 30, current: 20, wholeRunP: 1e-9, windowsP: 1e-5 }).classification,
    ).toBe('pass');
    // Beyond tolerance without per-window evidence: marginal.
    expect(
      classifyRow(latency, { baseline: 20, current: 30, wholeRunP: 1e-9, windowsP: 0.2 }).classification,
    ).toBe('marginal');
    // Significant but small: pass below half the tolerance, marginal above it.
    expect(
      classifyRow(latency, { baseline: 20, current: 20.5, wholeRunP: 1e-9, windowsP: 1e-4 }).classification,
    ).toBe('pass');
    expect(
      classifyRow(latency, { baseline: 20, current: 21.5, wholeRunP: 1e-9, windowsP: 1e-4 }).classification,
    ).toBe('marginal');
    // Without per-window values the whole-run test alone cannot fail a row.
    expect(
      classifyRow(latency, { baseline: 20, current: 30, wholeRunP: 1e-9, windowsP: null }).classification,
    ).toBe('marginal');
    // Counters have no whole-run test: the per-window test decides; a drop fails, a rise passes.
    expect(
      classifyRow(throughput, { baseline: 100, current: 50, wholeRunP: null, windowsP: 0.2 }).classification,
    ).toBe('marginal');
    expect(classifyRow(throughput, { baseline: 100, current: 50, wholeRunP: null, windowsP: 1e-4 })).toEqual({
      classification: 'fail',
      pValue: 1e-4,
    });
    expect(
      classifyRow(throughput, { baseline: 100, current: 150, wholeRunP: null, windowsP: 1e-4 })
        .classification,
    ).toBe('pass');
  });

  it('takes the worst row as the verdict and scores the passing share', () => {
    const rows = [{ classification: 'pass' as const }, { classification: 'marginal' as const }];
    expect(overallVerdict(rows)).toBe('marginal');
    expect(overallVerdict([...rows, { classification: 'fail' as const }])).toBe('fail');
    expect(overallVerdict([])).toBe('pass');
    expect(passScore(rows)).toBe(50);
  });
});
