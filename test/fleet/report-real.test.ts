import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTargetServer, type TargetServer } from '../../target/server';
import { launchChromium } from '../support/chromium';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';

let target: TargetServer;
let browser: Browser;
let run: FleetRun | undefined;
beforeAll(async () => {
  target = await startTargetServer({ port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await target.close();
  await cleanup(run);
});

describe('the report of a real fleet run', () => {
  it('opens in headless Chromium and draws its charts from the run timeline', async () => {
    // Prepare: a 6 s run gives several 1 s timeline windows per region.
    run = await runFleet({
      script: `
import http from 'k6/http';
import { check, sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 12, duration: '6s' } }, thresholds: { http_req_duration: ['p(95)<500'] } };
export default function () { check(http.get(__ENV.TARGET + '/api/r'), { ok: (r) => r.status === 200 }); sleep(0.05); }
`,
      env: { TARGET: target.url },
    });
    // Act
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(run.reportPath).href);
    await page.waitForSelector('html[data-charts="ready"]', { timeout: 10_000 });
    const painted = await page.locator('[data-chart] canvas').evaluateAll((nodes) =>
      nodes.map((n) => {
        const c = n as unknown as {
          width: number;
          height: number;
          getContext(k: '2d'): {
            getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
          };
        };
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let count = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) count++;
        return count;
      }),
    );
    const body = await page.locator('body').textContent();
    // Assess
    expect(errors).toEqual([]);
    expect(painted.length).toBeGreaterThanOrEqual(4);
    for (const p of painted) expect(p).toBeGreaterThan(500);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) expect(body).toContain(region);
    expect(body).toContain('p(95)<500');
    expect(run.summary.fleet.verdict).toBe('passed');
  });
});
