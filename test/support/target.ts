import { afterAll, beforeAll } from 'vitest';
import type { ProfileInput } from '../../target/profile';
import { startTargetServer, type TargetServer } from '../../target/server';

/** The bundled target on loopback for one test file: started before its tests, closed after. */
export function useTarget(profile?: ProfileInput): () => TargetServer {
  let server: TargetServer | undefined;
  beforeAll(async () => {
    server = await startTargetServer({ port: 0, profile });
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('the target starts in beforeAll: use it inside a test');
    return server;
  };
}
