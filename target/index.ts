/** The bundled loopback target server: start it in-process or via bin/k6-fleet-target.ts. */
export { RoutePatchRequestSchema } from './admin';
export { ConnectionPool, type PoolSnapshot } from './db-pool';
export { EXPOSITION_CONTENT_TYPE, targetExposition } from './metrics-exposition';
export {
  DATABASE_DEFAULTS,
  type Database,
  DatabaseSchema,
  DEFAULT_ROUTES,
  type Latency,
  LatencySchema,
  METRICS_PATH,
  type Phase,
  type Profile,
  type ProfileInput,
  ProfileSchema,
  parseProfile,
  ROUTE_DEFAULTS,
  type Route,
  type RoutePatch,
  RoutePatchSchema,
} from './profile';
export {
  LOOPBACK_HOSTS,
  type LoopbackHost,
  startTargetServer,
  type TargetServer,
  type TargetServerOptions,
} from './server';
export { type TargetStats, UNMATCHED_ROUTE } from './stats';
