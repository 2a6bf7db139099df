import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startTargetServer, type TargetServer } from '../../target/server';
import { hammer, timedGet } from './http-client';

/** Loose view of admin answers: each test checks the fields it needs. */
type AdminJson = { error?: string; profile?: { routes?: unknown }; patches?: unknown } & Record<
  string,
  unknown
>;
const fast = { latency: { kind: 'fixed', ms: 0 } } as const;
let server: TargetServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('target server', () => {
  it('injects errors at the configured rate and counts every request exactly', async () => {
    // Prepare
    server = await startTargetServer({ profile: { seed: 11, routes: { '/': { ...fast, errorRate: 0.2 } } } });

    // Act
    const statuses = await hammer(`${server.url}/`, 2000, 20);

    // Assess: binomial(2000, 0.2) has sd ≈ 17.9; ±5 sd.
    const failures = statuses.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(400 - 90);
    expect(failures).toBeLessThan(400 + 90);
    expect(statuses.filter((s) => s === 200).length).toBe(2000 - failures);
    const stats = server.stats();
    expect(stats.requests).toBe(2000);
    expect(stats.errors).toBe(failures);
    expect(stats.byRoute).toEqual({ '/': 2000 });
    expect(stats.firstRequestAt).toBeLessThanOrEqual(stats.firstErrorAt!);
    expect(stats.firstErrorAt).toBeLessThanOrEqual(stats.lastRequestAt!);
  });

  it('gives the same error sequence for the same seed', async () => {
    // Prepare
    const profile = { seed: 5, routes: { '/': { ...fast, errorRate: 0.3 } } };
    const a = await startTargetServer({ profile });
    const b = await startTargetServer({ profile });
    try {
      // Act: sequential, so arrival order is fixed.
      const seq = async (s: TargetServer) => {
        const out: number[] = [];
        for (let i = 0; i < 60; i++) out.push((await timedGet(`${s.url}/`)).status);
        return out;
      };
      const sa = await seq(a);
      const sb = await seq(b);

      // Assess
      expect(sa).toEqual(sb);
      expect(new Set(sa)).toEqual(new Set([200, 500]));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('serves the handy routes, 404 for unknown paths and 405 for wrong methods, all counted', async () => {
    // Prepare
    server = await startTargetServer();

    // Act
    const health = await timedGet(`${server.url}/health`);
    const login = await timedGet(`${server.url}/login`, { method: 'POST', body: '{"user":"a"}' });
    const loginGet = await timedGet(`${server.url}/login`);
    const item = await timedGet(`${server.url}/api/items/abc?x=1`);
    const other = await timedGet(`${server.url}/api/orders`);
    const missing = await timedGet(`${server.url}/missing`);

    // Assess
    expect([health.status, health.body]).toEqual([200, 'xx']);
    expect(login.status).toBe(200);
    expect(JSON.parse(login.body)).toEqual({ token: expect.stringMatching(/^tok-/) });
    expect(loginGet.status).toBe(405);
    expect(item.status).toBe(200);
    expect(JSON.parse(item.body).id).toBe('abc');
    expect(item.body.length).toBeGreaterThan(200);
    expect([other.status, other.body.length]).toEqual([200, 512]);
    expect(missing.status).toBe(404);
    expect(server.stats()).toMatchObject({
      requests: 6,
      errors: 2,
      byRoute: { '/health': 1, '/login': 2, '/api/items/*': 1, '/api/*': 1, '(unmatched)': 1 },
    });
  });

  it('switches phases at their time, counted from start or from a clock reset', async () => {
    // Prepare
    server = await startTargetServer({
      profile: {
        routes: { '/': fast },
        phases: [{ afterMs: 400, routes: { '/': { errorRate: 1, errorStatus: 503 } } }],
      },
    });
    await sleep(500);
    const afterFirstPhase = (await timedGet(`${server.url}/`)).status;

    // Act: restart the clock, then poll until the phase flips.
    server.resetClock();
    const resetAt = performance.now();
    let flippedAt = Number.NaN;
    const seen: number[] = [];
    while (performance.now() - resetAt < 2000) {
      const { status } = await timedGet(`${server.url}/`);
      seen.push(status);
      if (status === 503) {
        flippedAt = performance.now() - resetAt;
        break;
      }
      await sleep(5);
    }

    // Assess
    expect(afterFirstPhase).toBe(503);
    expect(seen[0]).toBe(200);
    expect(flippedAt).toBeGreaterThanOrEqual(400);
    expect(flippedAt).toBeLessThan(400 + 300);
  });

  it('applies patchRoute to the very next request, over phases too', async () => {
    // Prepare
    server = await startTargetServer({
      profile: {
        routes: { '/api/*': fast },
        phases: [{ afterMs: 100, routes: { '/api/*': { status: 202 } } }],
      },
    });
    const before = (await timedGet(`${server.url}/api/x`)).status;

    // Act
    server.patchRoute('/api/*', { errorRate: 1 });
    const right = (await timedGet(`${server.url}/api/x`)).status;
    await sleep(150);
    const afterPhase = (await timedGet(`${server.url}/api/x`)).status;
    server.patchRoute('/api/*', { errorRate: 0 });
    const restored = (await timedGet(`${server.url}/api/x`)).status;

    // Assess
    expect([before, right, afterPhase, restored]).toEqual([200, 500, 500, 202]);
    server.patchRoute('/api/*', { errorRate: undefined, status: undefined });
    const afterEmptyPatch = (await timedGet(`${server.url}/api/x`)).status;
    expect(afterEmptyPatch).toBe(202);
    expect(() => server!.patchRoute('/api/*', { errorRate: 2 })).toThrow('errorRate');
    expect(() => server!.patchRoute('bad key', {})).toThrow('route keys');
  });

  it('is steerable over HTTP through /__admin/, which is not counted', async () => {
    // Prepare
    server = await startTargetServer();
    const admin = (path: string, method = 'GET', body?: unknown) =>
      fetch(`${server!.url}/__admin/${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as AdminJson }));
    await timedGet(`${server.url}/`);

    // Act
    const stats1 = await admin('stats');
    const put = await admin('profile', 'PUT', {
      inheritDefaults: false,
      routes: { '/only': { status: 201 } },
    });
    const onlyStatus = (await timedGet(`${server.url}/only`)).status;
    const rootStatus = (await timedGet(`${server.url}/`)).status;
    const patch = await admin('route', 'PATCH', { path: '/only', errorRate: 1, errorStatus: 502 });
    const patchedStatus = (await timedGet(`${server.url}/only`)).status;
    const badPut = await admin('profile', 'PUT', { routes: { '/': { errorRate: 7 } } });
    const badJson = await fetch(`${server.url}/__admin/profile`, { method: 'PUT', body: '{nope' });
    const profile = await admin('profile');
    const stats2 = await admin('stats');
    const clock = await admin('reset-clock', 'POST');
    const reset = await admin('reset-stats', 'POST');
    const unknown = await admin('nothing');

    // Assess
    expect(stats1).toEqual({
      status: 200,
      json: expect.objectContaining({ requests: 1, errors: 0, byRoute: { '/': 1 } }),
    });
    expect(put.status).toBe(200);
    expect([onlyStatus, rootStatus]).toEqual([201, 404]);
    expect(patch).toEqual({
      status: 200,
      json: { ok: true, path: '/only', patch: { errorRate: 1, errorStatus: 502 } },
    });
    expect(patchedStatus).toBe(502);
    expect(badPut.status).toBe(400);
    expect(badPut.json.error).toContain('errorRate');
    expect(badJson.status).toBe(400);
    expect(profile.json.profile?.routes).toEqual({ '/only': { status: 201 } });
    expect(profile.json.patches).toEqual({ '/only': { errorRate: 1, errorStatus: 502 } });
    expect(stats2.json).toMatchObject({ requests: 4, errors: 2 });
    expect(clock.status).toBe(200);
    expect(reset.json).toEqual({ requests: 0, byRoute: {}, errors: 0 });
    expect(server.stats().requests).toBe(0);
    expect(unknown.status).toBe(404);
  });

  it.each(['0.0.0.0', '::', '192.168.1.10', 'example.com'])('refuses to bind %s', async (host) => {
    // Act
    const start = startTargetServer({ host: host as '127.0.0.1' });

    // Assess
    await expect(start).rejects.toThrow(/refusing to bind/);
  });

  it('binds IPv6 loopback and gives a bracketed URL', async () => {
    // Act
    server = await startTargetServer({ host: '::1' });
    const health = await timedGet(`${server.url}/health`);

    // Assess
    expect(server.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect(health.status).toBe(200);
  });

  it('closes promptly while delayed responses are pending', async () => {
    // Prepare
    server = await startTargetServer({
      profile: { routes: { '/': { latency: { kind: 'fixed', ms: 60_000 } } } },
    });
    const inFlight = fetch(`${server.url}/`).catch((error: unknown) => error);
    await sleep(100);

    // Act
    const closing = performance.now();
    await server.close();
    const closeMs = performance.now() - closing;
    server = undefined;

    // Assess
    expect(closeMs).toBeLessThan(1000);
    expect(await inFlight).toBeInstanceOf(Error);
  });
});
