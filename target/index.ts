/** The bundled loopback target server: start it in-process or via bin/k6-fleet-target.ts. */
export { RoutePatchRequestSchema } from './admin';
export {
  DEFAULT_ROUTES,
  type Latency,
  LatencySchema,
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
