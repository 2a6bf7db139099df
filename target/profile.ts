import { z } from 'zod';

/** One hour: a latency beyond this is a typo, and timers would outlive any test. */
const MAX_LATENCY_MS = 3_600_000;
const ms = z.number().min(0).max(MAX_LATENCY_MS);

export const LatencySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), ms }).strict(),
  z
    .object({ kind: z.literal('uniform'), minMs: ms, maxMs: ms })
    .strict()
    .refine((l) => l.maxMs >= l.minMs, { message: 'uniform latency needs maxMs >= minMs' }),
  /** Draws below 0 are clamped to 0. */
  z.object({ kind: z.literal('normal'), meanMs: ms, sdMs: ms }).strict(),
  /** exp(N(ln medianMs, sigma)): the long right tail real services show. */
  z.object({ kind: z.literal('lognormal'), medianMs: ms, sigma: z.number().min(0).max(10) }).strict(),
]);
export type Latency = z.infer<typeof LatencySchema>;

/**
 * What the response body holds:
 * - `filler`: `bodyBytes` bytes of text (precomputed once);
 * - `token`:  JSON `{"token":"…"}` with a fresh token per request (for setup() logins);
 * - `item`:   JSON `{"id":"<last path segment>", …}` padded to about `bodyBytes`.
 */
export const RespondSchema = z.enum(['filler', 'token', 'item']);
export type Respond = z.infer<typeof RespondSchema>;

const HttpStatus = z.number().int().min(200).max(599);

/** Where the target serves its Prometheus text exposition (never counted in the stats). */
export const METRICS_PATH = '/metrics';

/** The simulated database behind routes with `dbQuery`: a bounded pool that queues. */
export const DatabaseSchema = z
  .object({
    /** Connections in the pool: requests beyond it wait for a free one. */
    poolSize: z.number().int().min(1).max(10_000),
    /** Waiters beyond this are refused at once with `rejectStatus` (an overloaded app's 503). */
    maxWaiting: z.number().int().min(0).max(1_000_000),
    rejectStatus: HttpStatus,
  })
  .strict();
export type Database = z.infer<typeof DatabaseSchema>;
export const DATABASE_DEFAULTS: Database = { poolSize: 10, maxWaiting: 10_000, rejectStatus: 503 };

/**
 * Route behaviour with every field optional: the shape of a partial override (phases,
 * patchRoute). Kept free of `.default()` on purpose — zod 4 fills defaults even inside
 * optional fields, which would turn every override into a full reset.
 */
export const RoutePatchSchema = z
  .object({
    latency: LatencySchema,
    /** Share of requests (0..1) answered with `errorStatus` instead of `status`. */
    errorRate: z.number().min(0).max(1),
    errorStatus: HttpStatus,
    status: HttpStatus,
    bodyBytes: z
      .number()
      .int()
      .min(0)
      .max(16 * 1024 * 1024),
    respond: RespondSchema,
    /** Allowed methods (upper case); others get 405. Absent: any method. */
    methods: z.array(z.string().regex(/^[A-Z]+$/)).min(1),
    /**
     * Each request holds one connection of the simulated database pool for a draw of this
     * distribution (waiting first when the pool is exhausted), then the route's `latency`.
     * Absent: the route does not touch the database.
     */
    dbQuery: LatencySchema,
  })
  .partial()
  .strict();
export type RoutePatch = z.infer<typeof RoutePatchSchema>;

export interface Route {
  readonly latency: Latency;
  readonly errorRate: number;
  readonly errorStatus: number;
  readonly status: number;
  readonly bodyBytes: number;
  readonly respond: Respond;
  readonly methods?: readonly string[];
  readonly dbQuery?: Latency;
}

export const ROUTE_DEFAULTS: Route = {
  latency: { kind: 'fixed', ms: 0 },
  errorRate: 0,
  errorStatus: 500,
  status: 200,
  bodyBytes: 100,
  respond: 'filler',
};

/** `/exact/path`, a prefix `/api/*` (matches `/api` and everything below), or `/*` (all). */
export const RouteKeySchema = z
  .string()
  .regex(/^\/[^*?#\s]*(\/\*)?$|^\/\*$/, 'route keys are "/exact/path", "/prefix/*" or "/*"')
  .refine((k) => !k.startsWith('/__admin'), { message: '/__admin/ is reserved for the admin API' })
  .refine((k) => k !== METRICS_PATH, {
    message: `${METRICS_PATH} is reserved for the Prometheus exposition`,
  });

const RouteMapSchema = z.record(RouteKeySchema, RoutePatchSchema);

export const PhaseSchema = z
  .object({
    /** Applies from this many ms after server start / last reset-clock / setProfile. */
    afterMs: z.number().min(0),
    /** Partial overrides; a key not yet known adds that route (over ROUTE_DEFAULTS). */
    routes: RouteMapSchema,
  })
  .strict();
export type Phase = z.infer<typeof PhaseSchema>;

export const ProfileSchema = z
  .object({
    /** Seed of the latency and error draws: same seed + same request order = same answers. */
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    /** When true (default), `routes` are merged over DEFAULT_ROUTES; false starts empty. */
    inheritDefaults: z.boolean().default(true),
    routes: RouteMapSchema.default({}),
    /** Applied cumulatively in afterMs order on top of `routes`. */
    phases: z.array(PhaseSchema).default([]),
    /** The pool behind `dbQuery` routes; fields left out take DATABASE_DEFAULTS. */
    database: DatabaseSchema.partial()
      .default({})
      .transform((d): Database => ({ ...DATABASE_DEFAULTS, ...definedDbFields(d) })),
  })
  .strict();
/** A profile as written in a file or sent to PUT /__admin/profile. */
export type ProfileInput = z.input<typeof ProfileSchema>;
export type Profile = z.output<typeof ProfileSchema>;

const lognormalFast: Latency = { kind: 'lognormal', medianMs: 1, sigma: 0.5 };

/** Built-in routes: fast 200s by default, plus a few handy for example scripts. */
export const DEFAULT_ROUTES: Readonly<Record<string, RoutePatch>> = {
  '/': { latency: lognormalFast, bodyBytes: 256 },
  '/api/*': { latency: lognormalFast, bodyBytes: 512 },
  '/api/items/*': { latency: lognormalFast, respond: 'item', bodyBytes: 256 },
  '/health': { latency: { kind: 'fixed', ms: 0 }, bodyBytes: 2 },
  '/login': { latency: { kind: 'lognormal', medianMs: 5, sigma: 0.3 }, respond: 'token', methods: ['POST'] },
  '/slow': { latency: { kind: 'uniform', minMs: 200, maxMs: 400 } },
  '/flaky': { latency: lognormalFast, errorRate: 0.2, errorStatus: 503 },
};

/** Validates a profile; throws a ZodError naming the bad field. */
export function parseProfile(input: unknown): Profile {
  return ProfileSchema.parse(input ?? {});
}

/** `base` with the patch's fields on top; a field given as `undefined` keeps the base value. */
export function mergeRoute(base: Route, patch: RoutePatch): Route {
  return { ...base, ...definedFields(patch) };
}

function definedDbFields(d: Partial<Database>): Partial<Database> {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined));
}

export function definedFields(patch: RoutePatch): RoutePatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as RoutePatch;
}

/** The routes a profile starts with, before any phase or patch. */
export function baseRoutes(profile: Profile): Map<string, Route> {
  const routes = new Map<string, Route>();
  if (profile.inheritDefaults) {
    for (const [key, patch] of Object.entries(DEFAULT_ROUTES))
      routes.set(key, mergeRoute(ROUTE_DEFAULTS, patch));
  }
  applyRoutePatches(routes, profile.routes);
  return routes;
}

export function applyRoutePatches(routes: Map<string, Route>, patches: Record<string, RoutePatch>): void {
  for (const [key, patch] of Object.entries(patches)) {
    routes.set(key, mergeRoute(routes.get(key) ?? ROUTE_DEFAULTS, patch));
  }
}
