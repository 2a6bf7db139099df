import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Profile, type ProfileInput, parseProfile, type RoutePatch } from './profile';
import type { TargetStats } from './stats';
import { Target } from './target';

/** The only hosts the target may bind: it exists to be loaded by k6 on this machine. */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const;
export type LoopbackHost = (typeof LOOPBACK_HOSTS)[number];

export interface TargetServerOptions {
  /** @default '127.0.0.1' — anything but a loopback host is refused. */
  readonly host?: LoopbackHost;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default the built-in routes (see DEFAULT_ROUTES) */
  readonly profile?: ProfileInput;
}

export interface TargetServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Replaces the profile, drops route patches, reseeds the draws and restarts the phase clock. */
  setProfile(profile: ProfileInput): void;
  /** The profile in force (as parsed, before phases and patches). */
  profile(): Profile;
  /** Changes one route from now on, over phases too (a new key adds a route). */
  patchRoute(path: string, patch: RoutePatch): void;
  /** Restarts the phase clock: `afterMs` counts from now. */
  resetClock(): void;
  stats(): TargetStats;
  resetStats(): void;
  /** Stops listening, drops open connections and pending delayed responses. */
  close(): Promise<void>;
}

/** Starts the target on loopback. Throws for a non-loopback host or a bad profile. */
export async function startTargetServer(options: TargetServerOptions = {}): Promise<TargetServer> {
  const host = options.host ?? '127.0.0.1';
  if (!(LOOPBACK_HOSTS as readonly string[]).includes(host)) {
    throw new Error(
      `k6-fleet target: refusing to bind ${JSON.stringify(host)}: only loopback (${LOOPBACK_HOSTS.join(', ')}) is allowed`,
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`k6-fleet target: port must be an integer 0..65535, got ${port}`);
  }

  const target = new Target(parseProfile(options.profile));
  const server = createServer({ noDelay: true }, (req, res) => target.onRequest(req, res));
  // k6 keeps connections open between iterations; Node's 5 s default would cut idle VUs.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  if (!isLoopbackAddress(address.address)) {
    await closeServer(server);
    throw new Error(
      `k6-fleet target: ${host} resolved to non-loopback ${address.address}; refusing to serve`,
    );
  }
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    setProfile: (p) => target.setProfile(parseProfile(p)),
    profile: () => target.currentProfile,
    patchRoute: (path, patch) => target.patchRoute(path, patch),
    resetClock: () => target.resetClock(),
    stats: () => target.stats.snapshot(),
    resetStats: () => target.stats.reset(),
    close: async () => {
      target.cancelPending();
      await closeServer(server);
    },
  };
}

function isLoopbackAddress(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1';
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
