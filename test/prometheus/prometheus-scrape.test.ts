import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ScrapeError, scrapePrometheus } from '../../functions/adapters/prometheus/prometheus-scrape';
import { useTarget } from '../support/target';

const target = useTarget({ database: { poolSize: 3 } });

/** A loopback server answering every request with `handler`, closed after `fn`. */
async function withServer(
  handler: Parameters<typeof createServer>[1],
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

describe('Prometheus scrape over HTTP', () => {
  it('reads the bundled target /metrics', async () => {
    // Act
    const scrape = await scrapePrometheus(`${target().url}/metrics`);

    // Assess
    expect(scrape.t).toBeGreaterThan(Date.now() - 10_000);
    expect(scrape.samples.find((s) => s.name === 'app_db_pool_size')?.value).toBe(3);
  });

  it('says why a scrape failed: refused, HTTP status, not an exposition, timeout', async () => {
    // Prepare: a port nothing listens on (bound then closed).
    let closedPort = 0;
    await withServer(
      (_req, res) => res.end(),
      async (url) => {
        closedPort = Number(new URL(url).port);
      },
    );

    // Act + Assess
    await expect(scrapePrometheus(`http://127.0.0.1:${closedPort}/metrics`)).rejects.toThrow(/ECONNREFUSED/);
    await expect(scrapePrometheus(`${target().url}/nope`)).rejects.toThrow('HTTP 404 Not Found');
    await expect(scrapePrometheus(`${target().url}/`)).rejects.toThrow(
      /not a Prometheus text exposition: line 1/,
    );
    await withServer(
      () => undefined, // never answers
      async (url) => {
        const failure = scrapePrometheus(`${url}/metrics`, { timeoutMs: 200 });
        await expect(failure).rejects.toBeInstanceOf(ScrapeError);
        await expect(failure).rejects.toThrow('no answer within 200 ms');
      },
    );
  });
});
