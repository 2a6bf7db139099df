import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTES, parseProfile, ROUTE_DEFAULTS } from '../../target/profile';
import { compileTimeline } from '../../target/route-table';

describe('target profile', () => {
  it('gives the built-in routes when no profile is set', () => {
    // Act
    const timeline = compileTimeline(parseProfile(undefined), new Map());
    const table = timeline.tables[0]!;

    // Assess
    expect(table.match('/')?.key).toBe('/');
    expect(table.match('/api/anything/deep')?.key).toBe('/api/*');
    expect(table.match('/api')?.key).toBe('/api/*');
    expect(table.match('/api/items/7')?.key).toBe('/api/items/*');
    expect(table.match('/apix')).toBeUndefined();
    expect(table.match('/health')?.route.latency).toEqual({ kind: 'fixed', ms: 0 });
    expect(table.match('/login')?.methods?.has('POST')).toBe(true);
    expect(table.match('/nope')).toBeUndefined();
    expect(Object.keys(DEFAULT_ROUTES)).toEqual(
      expect.arrayContaining(['/', '/api/*', '/health', '/login', '/slow', '/flaky']),
    );
  });

  it('merges profile routes over the defaults field by field, or starts empty on request', () => {
    // Prepare
    const merged = parseProfile({ routes: { '/': { errorRate: 0.5 }, '/new': { status: 201 } } });
    const empty = parseProfile({ inheritDefaults: false, routes: { '/*': { bodyBytes: 3 } } });

    // Act
    const mergedTable = compileTimeline(merged, new Map()).tables[0]!;
    const emptyTable = compileTimeline(empty, new Map()).tables[0]!;

    // Assess
    expect(mergedTable.match('/')?.route).toMatchObject({ errorRate: 0.5, bodyBytes: 256, errorStatus: 500 });
    expect(mergedTable.match('/new')?.route).toEqual({ ...ROUTE_DEFAULTS, status: 201 });
    expect(emptyTable.match('/health')?.key).toBe('/*');
    expect(emptyTable.match('/any/path')?.fillerBody.length).toBe(3);
  });

  it('applies phases cumulatively in afterMs order, with patches on top of every phase', () => {
    // Prepare
    const profile = parseProfile({
      routes: { '/': { latency: { kind: 'fixed', ms: 0 } } },
      phases: [
        { afterMs: 2000, routes: { '/': { status: 204 } } },
        { afterMs: 1000, routes: { '/': { errorRate: 1, errorStatus: 503 } } },
      ],
    });

    // Act
    const timeline = compileTimeline(profile, new Map([['/', { bodyBytes: 7 }]]));

    // Assess
    expect(timeline.startsAtMs).toEqual([0, 1000, 2000]);
    const routes = timeline.tables.map((t) => t.match('/')?.route);
    expect(routes.map((r) => [r?.errorRate, r?.status, r?.bodyBytes])).toEqual([
      [0, 200, 7],
      [1, 200, 7],
      [1, 204, 7],
    ]);
  });

  it.each([
    [{ routes: { '/': { errorRate: 1.5 } } }, 'errorRate'],
    [{ routes: { '/': { latency: { kind: 'uniform', minMs: 10, maxMs: 5 } } } }, 'maxMs >= minMs'],
    [{ routes: { '/': { latency: { kind: 'gamma', ms: 1 } } } }, 'latency'],
    [{ routes: { '/': { latency: { kind: 'fixed', ms: -1 } } } }, 'ms'],
    [{ routes: { 'no-slash': {} } }, 'route keys'],
    [{ routes: { '/a/*/b': {} } }, 'route keys'],
    [{ routes: { '/__admin/x': {} } }, 'reserved'],
    [{ routes: { '/': { colour: 'red' } } }, 'colour'],
    [{ phases: [{ afterMs: -5, routes: {} }] }, 'afterMs'],
    [{ routes: { '/': { methods: ['get'] } } }, 'methods'],
  ])('rejects %j naming the problem', (input, fragment) => {
    // Act
    const parse = () => parseProfile(input);

    // Assess
    expect(parse).toThrow(fragment);
  });
});
