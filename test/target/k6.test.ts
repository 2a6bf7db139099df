import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTargetServer, type TargetServer } from '../../target/server';
import { K6_PATH } from '../support/k6-path';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');

interface K6Result {
  readonly code: number | null;
  readonly stderr: string;
  readonly httpReqs: number;
  readonly elapsedMs: number;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k6fleet-target-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the real k6 on a fixture against `target`; reads http_reqs from --summary-export. */
async function runK6(
  script: string,
  target: TargetServer,
  env: Record<string, string> = {},
): Promise<K6Result> {
  const summary = join(dir, `${script}-${Date.now()}.json`);
  const args = [
    'run',
    '--quiet',
    '--no-usage-report',
    '--summary-export',
    summary,
    '-e',
    `TARGET=${target.url}`,
  ];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  args.push(join(FIXTURES, script));
  const started = performance.now();
  const child = spawn(K6_PATH, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearTimeout(killer);
  const elapsedMs = performance.now() - started;
  const exported = JSON.parse(await readFile(summary, 'utf8')) as {
    metrics: { http_reqs?: { count: number } };
  };
  return { code, stderr, httpReqs: exported.metrics.http_reqs?.count ?? 0, elapsedMs };
}

describe('target under real k6', () => {
  it('counts exactly the requests k6 reports (5 VUs, 3 s, setup() included)', async () => {
    // Prepare
    const server = await startTargetServer();
    try {
      // Act
      const result = await runK6('mixed-routes.js', server);

      // Assess
      expect(result.code, result.stderr).toBe(0);
      const stats = server.stats();
      expect(result.httpReqs).toBeGreaterThan(100);
      expect(stats.requests).toBe(result.httpReqs);
      expect(stats.errors).toBe(0);
      expect(stats.byRoute['/login']).toBe(1);
      expect(stats.byRoute['/']).toBe(stats.byRoute['/api/items/*']);
    } finally {
      await server.close();
    }
  });

  it('serves 20,000 requests from k6 without stalling (sanity, not a timed benchmark)', async () => {
    // Prepare
    const server = await startTargetServer({
      profile: { routes: { '/': { latency: { kind: 'fixed', ms: 0 } } } },
    });
    try {
      // Act
      const result = await runK6('many-iterations.js', server, { ITERATIONS: '20000', VUS: '10' });

      // Assess
      expect(result.code, result.stderr).toBe(0);
      expect(result.httpReqs).toBe(20_000);
      expect(server.stats().requests).toBe(20_000);
      // Generous: far below what even a busy 2-core machine does (~9k req/s measured).
      expect(result.elapsedMs).toBeLessThan(60_000);
    } finally {
      await server.close();
    }
  });

  it('a phase that makes the target fail trips an abortOnFail error-rate threshold', async () => {
    // Prepare: healthy for 1.5 s, then every /api/* request fails.
    const server = await startTargetServer({
      profile: {
        routes: { '/api/*': { latency: { kind: 'fixed', ms: 1 } } },
        phases: [{ afterMs: 1500, routes: { '/api/*': { errorRate: 1, errorStatus: 503 } } }],
      },
    });
    try {
      // Act
      const result = await runK6('abort-on-errors.js', server);

      // Assess: k6's "thresholds failed" exit, long before the 30 s duration.
      expect(result.code, result.stderr).toBe(99);
      expect(result.elapsedMs).toBeLessThan(15_000);
      const stats = server.stats();
      // An abort can cut requests in flight (one per VU at most): k6 drops those samples.
      expect(stats.requests).toBeGreaterThanOrEqual(result.httpReqs);
      expect(stats.requests).toBeLessThanOrEqual(result.httpReqs + 4);
      expect(stats.errors).toBeGreaterThan(0);
      expect(stats.errors).toBeLessThan(stats.requests);
      // The failing phase began ~1.5 s in; k6 stopped within a few seconds of it.
      expect(stats.firstErrorAt! - stats.firstRequestAt!).toBeGreaterThanOrEqual(1400);
      expect(stats.lastRequestAt! - stats.firstErrorAt!).toBeLessThan(10_000);
    } finally {
      await server.close();
    }
  });
});
