import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatMetricValue,
  formatNumber,
  formatPercent,
} from '../../functions/core/summary/format';

describe('formatDuration (k6 summary units)', () => {
  it.each([
    [0, '0s'],
    [0.0005, '500ns'],
    [0.000_000_9, '0ns'],
    [0.165, '165µs'],
    [0.37354, '373.54µs'],
    [0.373_549, '373.54µs'],
    [2.4456, '2.44ms'],
    [999.999, '999.99ms'],
    [1000, '1s'],
    [4970.9, '4.97s'],
    [59_999, '59.99s'],
    [60_000, '1m0s'],
    [61_500, '1m1s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [204_196_000, '56h43m16s'],
    [-2.5, '-2.5ms'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('uses a fixed unit when asked, like summaryTimeUnit', () => {
    expect(formatDuration(1234.5678, 'ms')).toBe('1234.57ms');
    expect(formatDuration(1234.5678, 's')).toBe('1.23s');
    expect(formatDuration(0.5, 'us')).toBe('500.00µs');
  });
});

describe('formatBytes (k6 data units, SI)', () => {
  it.each([
    [0, '0 B'],
    [9, '9 B'],
    [10, '10 B'],
    [564, '564 B'],
    [1400, '1.4 kB'],
    [5900, '5.9 kB'],
    [11_000, '11 kB'],
    [355_000, '355 kB'],
    [985_432, '985 kB'],
    [1_000_000, '1.0 MB'],
    [1_300_000, '1.3 MB'],
    [2_500_000_000, '2.5 GB'],
  ])('%d → %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});

describe('numbers and ratios', () => {
  it('prints plain numbers with up to six decimals and no trailing zeros', () => {
    expect(formatNumber(1248.915_356_4)).toBe('1248.915356');
    expect(formatNumber(20)).toBe('20');
    expect(formatNumber(0.5)).toBe('0.5');
  });

  it('truncates ratios to two decimals', () => {
    expect(formatPercent(0.999_99)).toBe('99.99%');
    expect(formatPercent(1)).toBe('100.00%');
    expect(formatPercent(0.1546)).toBe('15.46%');
    expect(formatPercent(0)).toBe('0.00%');
    expect(formatPercent(Number.NaN)).toBe('0.00%');
  });

  it('formats a metric value by what the metric contains', () => {
    expect(formatMetricValue(0.02, { type: 'rate', contains: 'default' })).toBe('2.00%');
    expect(formatMetricValue(1500, { type: 'trend', contains: 'time' })).toBe('1.5s');
    expect(formatMetricValue(2048, { type: 'counter', contains: 'data' })).toBe('2.0 kB');
    expect(formatMetricValue(3.25, { type: 'gauge', contains: 'default' })).toBe('3.25');
  });
});
