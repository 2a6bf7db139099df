import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUplotAssets } from '../../functions/adapters/report/uplot-assets';
import { buildCharts, orderRegions, renderReportHtml } from '../../functions/core/report';
import { launchChromium } from '../support/chromium';
import { makeSummary, makeTimeline, REGIONS } from './report-fixture';

const XSS_NAME = `checkout </script><script>window.__xss=1</script><img src=x onerror="window.__xss=2"> <!-- & "q"`;

interface ChartReadback {
  id: string;
  canvases: number;
  paintedPixels: number;
  /** Pixels close to each series' colour, by legend label. */
  seriesPixels: Record<string, number>;
  legend: string[];
}

/** Opens a file:// page with every other request blocked and recorded. */
async function openGuarded(browser: Browser, url: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  const blocked: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**', (route) => {
    const u = route.request().url();
    if (u.startsWith('file:')) return route.continue();
    blocked.push(u);
    return route.abort('blockedbyclient');
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, blocked, errors };
}

/** The little of a canvas the pixel read-back uses (the project compiles without DOM types). */
interface PixelSource {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  };
}

/** Counts painted pixels, and pixels within a small distance of each series' colour. */
function countPixels(node: unknown, colours: Record<string, string>) {
  const canvas = node as PixelSource;
  const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const wanted = Object.entries(colours).map(
    ([label, hex]) => [label, [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))] as const,
  );
  const seriesPixels: Record<string, number> = Object.fromEntries(wanted.map(([label]) => [label, 0]));
  let paintedPixels = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 3]! === 0) continue;
    paintedPixels++;
    if (px[i + 3]! < 200) continue;
    for (const [label, [r, g, b]] of wanted) {
      const d = Math.abs(px[i]! - r!) + Math.abs(px[i + 1]! - g!) + Math.abs(px[i + 2]! - b!);
      if (d <= 30) seriesPixels[label]!++;
    }
  }
  return { paintedPixels, seriesPixels };
}

/** Reads every chart back: its canvas pixels and its legend's labels. */
async function readCharts(
  page: Page,
  colours: Record<string, Record<string, string>>,
): Promise<ChartReadback[]> {
  const out: ChartReadback[] = [];
  for (const fig of await page.locator('[data-chart]').all()) {
    const id = (await fig.getAttribute('data-chart')) ?? '';
    const canvas = fig.locator('canvas');
    const canvases = await canvas.count();
    const pixels =
      canvases > 0
        ? await canvas.first().evaluate(countPixels, colours[id] ?? {})
        : { paintedPixels: 0, seriesPixels: {} };
    const legend = await fig.locator('.u-legend .u-series .u-label').allTextContents();
    out.push({ id, canvases, ...pixels, legend });
  }
  return out;
}

describe('report.html in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'k6fleet-report-'));
  });
  afterAll(async () => {
    await browser?.close();
    // K6_FLEET_KEEP_REPORT=1 keeps report.html and its screenshot to look at.
    if (dir && !process.env.K6_FLEET_KEEP_REPORT) rmSync(dir, { recursive: true, force: true });
  });

  it('opens offline, draws every chart with its legends, and shows the tables', async () => {
    // Prepare
    const summary = makeSummary(XSS_NAME);
    const timeline = makeTimeline();
    const html = renderReportHtml({ summary, timeline, uplot: await loadUplotAssets() });
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const charts = buildCharts(
      timeline,
      orderRegions(
        summary.fleet.regions.map((r) => r.name),
        timeline,
      ),
    );
    const colours = Object.fromEntries(
      charts.map((c) => [c.id, Object.fromEntries(c.series.map((s) => [s.label, s.colour]))]),
    );

    // Act
    const { page, requests, blocked, errors } = await openGuarded(browser, pathToFileURL(file).href);
    await page.waitForSelector('html[data-charts="ready"]', { timeout: 10_000 });
    const readback = await readCharts(page, colours);
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.K6_FLEET_KEEP_REPORT) console.log(`report screenshot: ${shot}`);

    // Assess: nothing but the file itself was requested, and nothing complained.
    expect(blocked).toEqual([]);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
    expect(errors).toEqual([]);

    // Assess: each chart drew every series on its canvas and lists them in its legend.
    expect(readback.map((c) => c.id)).toEqual(charts.map((c) => c.id));
    for (const chart of charts) {
      const got = readback.find((c) => c.id === chart.id)!;
      expect(got.canvases, chart.id).toBe(1);
      expect(got.paintedPixels, chart.id).toBeGreaterThan(5_000);
      for (const s of chart.series)
        expect(got.seriesPixels[s.label], `${chart.id} / ${s.label}`).toBeGreaterThan(20);
      expect(got.legend.slice(1), chart.id).toEqual(chart.series.map((s) => s.label));
    }
    for (const id of ['requests', 'vus', 'errors', 'latency-regions']) {
      const legend = readback.find((c) => c.id === id)!.legend;
      for (const region of REGIONS) expect(legend, id).toContain(region.name);
    }
    expect(readback.find((c) => c.id === 'latency')!.legend).toEqual(
      expect.arrayContaining(['p50', 'p95', 'p99']),
    );

    // Assess: the thresholds table shows the failed and the passed thresholds.
    const thresholdRows = await page.$$eval('table:has(caption:text-is("Thresholds")) tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
    );
    expect(thresholdRows).toContainEqual([
      'http_req_failed',
      'rate<0.01',
      '✗',
      'rate = 1.19%',
      expect.stringContaining('failed at +33s'),
    ]);
    expect(thresholdRows).toContainEqual(['http_req_duration', 'p(95)<500', '✓', 'p(95) = 262.9ms', '']);
    expect(thresholdRows.filter((r) => r[2] === '✓')).toHaveLength(4);

    // Assess: the hostile test name is text, not markup or script.
    expect(await page.textContent('#test-name')).toBe(XSS_NAME);
    expect(await page.title()).toContain(XSS_NAME);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(3);
    expect(await page.textContent('table:has(caption:text-is("Checks"))')).toContain(
      'body has <!-- token --> </script>',
    );
    await page.close();
  });

  it('the request guard sees and blocks a request that leaves the file', async () => {
    // Prepare: a page that tries to load from loopback (aborted by the route, never sent).
    const file = join(dir, 'leak.html');
    writeFileSync(file, '<!doctype html><img src="http://127.0.0.1:9/pixel.png">');

    // Act
    const { page, blocked } = await openGuarded(browser, pathToFileURL(file).href);

    // Assess
    expect(blocked).toEqual(['http://127.0.0.1:9/pixel.png']);
    await page.close();
  });
});
