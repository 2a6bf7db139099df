import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUplotAssets } from '../../functions/adapters/report/uplot-assets';
import type { ServerWindow } from '../../functions/contracts';
import { buildServerCharts, renderReportHtml } from '../../functions/core/report';
import { runCorrelations } from '../../functions/core/server-metrics/run-correlations';
import { launchChromium } from '../support/chromium';
import { makeSummary, makeTimeline } from './report-fixture';

const SOURCE = 'http://127.0.0.1:9100/metrics';

/** Server windows shaped like the fixture's latency: a pool that queues as the load ramps. */
function makeServerWindows(p95s: readonly (number | null)[]): ServerWindow[] {
  return p95s.map((p95, window) => ({
    v: 1,
    window,
    t: window * 1000,
    samples: [
      { series: 'app_db_pool_waiting', source: SOURCE, value: Math.max(0, ((p95 ?? 0) - 60) / 10) },
      { series: 'app_db_pool_size', source: SOURCE, value: 8 },
      { series: 'process_resident_memory_bytes', source: SOURCE, value: 90e6 + window * 2e6 },
    ],
    failures: window === 7 ? [{ source: SOURCE, error: 'no answer within 1500 ms' }] : [],
  }));
}

/** Pixels of a canvas within a small distance of `hex`. */
function colourPixels(node: unknown, hex: string): number {
  const canvas = node as {
    width: number;
    height: number;
    getContext(k: '2d'): {
      getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
    };
  };
  const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [
    number,
    number,
    number,
  ];
  let n = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 3]! < 200) continue;
    if (Math.abs(px[i]! - r) + Math.abs(px[i + 1]! - g) + Math.abs(px[i + 2]! - b) <= 30) n++;
  }
  return n;
}

describe('report Server section in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'k6fleet-report-server-'));
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws each server series beside p95 latency and error rate, and lists the correlations', async () => {
    // Prepare
    const timeline = makeTimeline();
    const windows = makeServerWindows(timeline.map((p) => p.global.p95));
    const correlations = runCorrelations(timeline, windows, 1);
    const summary = makeSummary('checkout');
    summary.fleet.correlations = correlations;
    summary.fleet.server = {
      sources: [{ source: SOURCE, scrapes: 60, failures: 1, lastError: 'no answer within 1500 ms' }],
      top: [],
      correlations: correlations.slice(0, 5),
    };
    const file = join(dir, 'report.html');
    writeFileSync(
      file,
      renderReportHtml({ summary, timeline, server: windows, uplot: await loadUplotAssets() }),
    );
    const charts = buildServerCharts(timeline, windows, correlations);

    // Act
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('html[data-charts="ready"]', { timeout: 10_000 });
    const drawn: Record<string, Record<string, number>> = {};
    for (const chart of charts) {
      const canvas = page.locator(`#server [data-chart="${chart.id}"] canvas`).first();
      drawn[chart.id] = {};
      for (const s of chart.series) drawn[chart.id]![s.label] = await canvas.evaluate(colourPixels, s.colour);
    }
    const rows = await page.$$eval('#server table.correlations tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
    );
    const sources = await page.textContent('#server table:has(caption:text-is("Server metric sources"))');
    const legend = await page.locator('#server [data-chart="server-0"] .u-legend .u-label').allTextContents();
    await page.close();

    // Assess: the flat pool size is neither charted first nor ranked; memory moves, so it is charted.
    expect(errors).toEqual([]);
    expect(charts.map((c) => c.title)).toEqual([
      'app_db_pool_waiting',
      'process_resident_memory_bytes',
      'app_db_pool_size',
    ]);
    for (const chart of charts.slice(0, 2)) {
      for (const s of chart.series)
        expect(drawn[chart.id]![s.label], `${chart.title} / ${s.label}`).toBeGreaterThan(20);
    }
    expect(legend.slice(1)).toEqual(['app_db_pool_waiting', 'p95 latency', 'error rate ×1000']);
    expect(rows[0]?.slice(0, 2)).toEqual(['app_db_pool_waiting', 'http_req_duration p(95)']);
    expect(Number(rows[0]?.[2])).toBeGreaterThan(0.99);
    expect(rows.map((r) => r[0])).not.toContain('app_db_pool_size');
    expect(sources).toContain('no answer within 1500 ms');
  });
});
