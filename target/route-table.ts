import { type LatencySampler, latencySampler } from './latency';
import { applyRoutePatches, baseRoutes, type Profile, type Route, type RoutePatch } from './profile';

/**
 * A route made ready for the hot path: everything that does not depend on the request
 * (bodies, header lists, the sampler) is built once here, not per request.
 */
export interface CompiledRoute {
  readonly key: string;
  readonly route: Route;
  readonly sample: LatencySampler;
  /** Draws the time a request holds a pool connection; absent for routes without `dbQuery`. */
  readonly sampleDb: LatencySampler | undefined;
  readonly methods: ReadonlySet<string> | undefined;
  /** Precomputed body for `respond: 'filler'`. */
  readonly fillerBody: Buffer;
  /** Padding that brings an `item` body to about `bodyBytes`. */
  readonly itemPad: string;
  readonly errorBody: Buffer;
}

/** Matches a path to a route: exact key first, then the longest `/prefix/*`, then `/*`. */
export class RouteTable {
  private readonly exact = new Map<string, CompiledRoute>();
  private readonly prefixes: { readonly prefix: string; readonly route: CompiledRoute }[] = [];
  private readonly catchAll: CompiledRoute | undefined;

  constructor(routes: ReadonlyMap<string, Route>) {
    let catchAll: CompiledRoute | undefined;
    for (const [key, route] of routes) {
      const compiled = compileRoute(key, route);
      if (key === '/*') catchAll = compiled;
      else if (key.endsWith('/*')) this.prefixes.push({ prefix: key.slice(0, -2), route: compiled });
      else this.exact.set(key, compiled);
    }
    this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    this.catchAll = catchAll;
  }

  match(path: string): CompiledRoute | undefined {
    const exact = this.exact.get(path);
    if (exact !== undefined) return exact;
    for (const { prefix, route } of this.prefixes) {
      if (
        path.startsWith(prefix) &&
        (path.length === prefix.length || path.charCodeAt(prefix.length) === 47)
      ) {
        return route;
      }
    }
    return this.catchAll;
  }
}

/**
 * The route tables a profile goes through over time. `tables[0]` holds before the first
 * phase; `tables[i]` from `startsAtMs[i]` on. Patches (patchRoute) sit on top of every
 * table so that a change made "now" survives later phase switches.
 */
export interface RouteTimeline {
  readonly tables: readonly RouteTable[];
  readonly startsAtMs: readonly number[];
}

export function compileTimeline(profile: Profile, patches: ReadonlyMap<string, RoutePatch>): RouteTimeline {
  const routes = baseRoutes(profile);
  const patchRecord = Object.fromEntries(patches);
  const withPatches = (r: Map<string, Route>): Map<string, Route> => {
    const copy = new Map(r);
    applyRoutePatches(copy, patchRecord);
    return copy;
  };
  const tables = [new RouteTable(withPatches(routes))];
  const startsAtMs = [0];
  const phases = [...profile.phases].sort((a, b) => a.afterMs - b.afterMs);
  for (const phase of phases) {
    applyRoutePatches(routes, phase.routes);
    tables.push(new RouteTable(withPatches(routes)));
    startsAtMs.push(phase.afterMs);
  }
  return { tables, startsAtMs };
}

/** Rough size of `{"id":"…","pad":""}` around the id, so item bodies land near bodyBytes. */
const ITEM_OVERHEAD_BYTES = 26;

function compileRoute(key: string, route: Route): CompiledRoute {
  return {
    key,
    route,
    sample: latencySampler(route.latency),
    sampleDb: route.dbQuery === undefined ? undefined : latencySampler(route.dbQuery),
    methods: route.methods ? new Set(route.methods) : undefined,
    fillerBody: Buffer.alloc(route.bodyBytes, 'x'),
    itemPad: 'x'.repeat(Math.max(0, route.bodyBytes - ITEM_OVERHEAD_BYTES)),
    errorBody: Buffer.from(JSON.stringify({ error: 'injected', status: route.errorStatus, route: key })),
  };
}
