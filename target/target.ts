import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { handleAdmin } from './admin';
import { ConnectionPool } from './db-pool';
import { sendJson } from './http-json';
import type { LatencySampler } from './latency';
import { EXPOSITION_CONTENT_TYPE, targetExposition } from './metrics-exposition';
import {
  definedFields,
  METRICS_PATH,
  type Profile,
  RouteKeySchema,
  type RoutePatch,
  RoutePatchSchema,
} from './profile';
import { type Random, seededRandom } from './random';
import { type CompiledRoute, compileTimeline, type RouteTable, type RouteTimeline } from './route-table';
import { StatsCounter, UNMATCHED_ROUTE } from './stats';

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain';

/** The mutable state behind a TargetServer and its request handler. */
export class Target {
  readonly stats = new StatsCounter();
  currentProfile: Profile;
  /** Route patches in force (patchRoute / PATCH /__admin/route), by route key. */
  patches = new Map<string, RoutePatch>();
  private timeline!: RouteTimeline;
  private tableIndex = 0;
  private clockStart = 0;
  private latencyRandom!: Random;
  private errorRandom!: Random;
  private dbRandom!: Random;
  /** The simulated database's connection pool (sized by the profile's `database`). */
  pool!: ConnectionPool;
  private tokenCount = 0;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(profile: Profile) {
    this.currentProfile = profile;
    this.setProfile(profile);
  }

  setProfile(profile: Profile): void {
    this.currentProfile = profile;
    this.patches = new Map();
    // Separate streams so the error sequence does not shift when a latency kind changes.
    this.latencyRandom = seededRandom(profile.seed);
    this.errorRandom = seededRandom(profile.seed ^ 0x9e3779b9);
    this.dbRandom = seededRandom(profile.seed ^ 0x85ebca6b);
    // Requests holding the old pool's connections release them there, harmlessly.
    this.pool?.clear();
    this.pool = new ConnectionPool(profile.database.poolSize, profile.database.maxWaiting);
    this.timeline = compileTimeline(profile, this.patches);
    this.resetClock();
  }

  patchRoute(path: string, patch: RoutePatch): void {
    const parsed = RoutePatchSchema.parse(patch);
    RouteKeySchema.parse(path);
    this.patches.set(path, { ...this.patches.get(path), ...definedFields(parsed) });
    this.timeline = compileTimeline(this.currentProfile, this.patches);
  }

  resetClock(): void {
    this.clockStart = performance.now();
    this.tableIndex = 0;
  }

  cancelPending(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    this.pool.clear();
  }

  /** The route table in force at `now` (performance.now()); phases only move forward. */
  private tableAt(now: number): RouteTable {
    const { tables, startsAtMs } = this.timeline;
    const elapsed = now - this.clockStart;
    let i = this.tableIndex;
    while (i + 1 < tables.length && elapsed >= (startsAtMs[i + 1] as number)) i++;
    this.tableIndex = i;
    return tables[i] as RouteTable;
  }

  onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    if (url.startsWith('/__admin/')) {
      handleAdmin(this, req, res);
      return;
    }
    const start = performance.now();
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (path === METRICS_PATH && req.method === 'GET') {
      const body = targetExposition(this.stats.snapshot(), this.pool.snapshot());
      res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE });
      res.end(body);
      return;
    }
    const route = this.tableAt(start).match(path);

    if (route === undefined) {
      this.stats.count(UNMATCHED_ROUTE, true);
      sendJson(res, 404, { error: 'no route', path });
      return;
    }
    if (route.methods !== undefined && !route.methods.has(req.method ?? 'GET')) {
      this.stats.count(route.key, true);
      sendJson(res, 405, { error: 'method not allowed', allowed: [...route.methods] });
      return;
    }

    const { errorRate, errorStatus, status } = route.route;
    const failed = errorRate > 0 && this.errorRandom() < errorRate;
    const finalStatus = failed ? errorStatus : status;
    const finish = (): void => {
      const delayMs = route.sample(this.latencyRandom);
      if (delayMs <= 0) {
        this.respond(res, route, path, failed, finalStatus, start);
        return;
      }
      this.afterDelay(start, delayMs, () => this.respond(res, route, path, failed, finalStatus, start));
    };
    if (route.sampleDb === undefined) {
      this.stats.count(route.key, finalStatus >= 400);
      finish();
      return;
    }
    this.withDbConnection(route, route.sampleDb, res, finalStatus, finish);
  }

  /** Holds a pool connection for one query draw, then runs `finish`; a full queue answers at once. */
  private withDbConnection(
    route: CompiledRoute,
    sampleDb: LatencySampler,
    res: ServerResponse,
    finalStatus: number,
    finish: () => void,
  ): void {
    const admitted = this.pool.acquire((release) => {
      const queryStart = performance.now();
      const queryMs = sampleDb(this.dbRandom);
      if (queryMs <= 0 || res.destroyed) {
        release();
        finish();
        return;
      }
      this.afterDelay(queryStart, queryMs, () => {
        release();
        finish();
      });
    });
    const rejectStatus = this.currentProfile.database.rejectStatus;
    this.stats.count(route.key, admitted ? finalStatus >= 400 : true);
    if (!admitted) sendJson(res, rejectStatus, { error: 'database pool exhausted', route: route.key });
  }

  /** Runs `fn` once at least `delayMs` have passed since `start` (Node timers can fire ~1 ms early). */
  private afterDelay(start: number, delayMs: number, fn: () => void): void {
    const tick = (): void => {
      this.pending.delete(timer);
      const remaining = delayMs - (performance.now() - start);
      if (remaining > 0) {
        timer = setTimeout(tick, remaining);
        this.pending.add(timer);
        return;
      }
      fn();
    };
    let timer = setTimeout(tick, delayMs);
    this.pending.add(timer);
  }

  private respond(
    res: ServerResponse,
    route: CompiledRoute,
    path: string,
    failed: boolean,
    status: number,
    start: number,
  ): void {
    if (res.destroyed) return;
    let body: Buffer | string;
    let type: string;
    if (failed) {
      body = route.errorBody;
      type = JSON_TYPE;
    } else if (route.route.respond === 'filler') {
      body = route.fillerBody;
      type = TEXT_TYPE;
    } else if (route.route.respond === 'token') {
      body = `{"token":"tok-${this.currentProfile.seed}-${++this.tokenCount}"}`;
      type = JSON_TYPE;
    } else {
      const id = path.slice(path.lastIndexOf('/') + 1);
      body = `{"id":${JSON.stringify(id)},"pad":"${route.itemPad}"}`;
      type = JSON_TYPE;
    }
    const elapsed = performance.now() - start;
    res.writeHead(status, [
      'content-type',
      type,
      'content-length',
      String(typeof body === 'string' ? Buffer.byteLength(body) : body.length),
      // Standard header: the time the target held the request, for client-side checks.
      'server-timing',
      `target;dur=${elapsed.toFixed(3)}`,
    ]);
    res.end(body);
  }
}
