import { describe, expect, it } from 'vitest';
import {
  decodeHistogram,
  downscaleHistogram,
  encodeHistogram,
  encodeHistogramWithin,
} from '../../functions/adapters/sinks/histogram-payload';
import { mergeHistograms } from '../../functions/core/histogram/exp-histogram';
import { histogramQuantile } from '../../functions/core/histogram/histogram-quantile';
import { latencyHistogram } from './fixtures';

describe('histogram payload', () => {
  it('round-trips a real histogram losslessly', () => {
    // Prepare
    const h = latencyHistogram(5000, 25);
    // Act
    const back = decodeHistogram(encodeHistogram(h));
    // Assess: same distribution, same quantiles
    expect(back.count).toBe(h.count);
    expect(back.sum).toBeCloseTo(h.sum, 6);
    expect(back.min).toBe(h.min);
    expect(back.max).toBe(h.max);
    for (const q of [0.5, 0.9, 0.95, 0.99]) expect(histogramQuantile(back, q)).toBe(histogramQuantile(h, q));
  });

  it('downscaling keeps every sample and matches the core merge at the coarser scale', () => {
    // Prepare
    const h = latencyHistogram(3000, 40, 7);
    // Act
    const down = downscaleHistogram(h, 2);
    // Assess: counts preserved, and merging with an empty histogram at that scale is identical
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(down.scale).toBe(h.scale - 2);
    expect(sum(down.positive.counts)).toBe(sum(h.positive.counts));
    const viaCore = mergeHistograms(down, h);
    expect(viaCore.scale).toBe(down.scale);
    expect(sum(viaCore.positive.counts)).toBe(2 * h.count);
  });

  it('encodeHistogramWithin returns the finest scale that fits the byte budget', () => {
    // Prepare
    const h = latencyHistogram(20000, 50, 3);
    const full = encodeHistogram(h);
    // Act
    const fit = encodeHistogramWithin(h, Math.floor(full.length / 3));
    // Assess
    expect(fit).not.toBeNull();
    expect(Buffer.byteLength(fit!.text)).toBeLessThanOrEqual(Math.floor(full.length / 3));
    expect(fit!.scale).toBeLessThan(h.scale);
    expect(decodeHistogram(fit!.text).count).toBe(h.count);
    // one scale finer would not have fit
    expect(
      Buffer.byteLength(encodeHistogram(downscaleHistogram(h, h.scale - fit!.scale - 1))),
    ).toBeGreaterThan(Math.floor(full.length / 3));
  });
});
