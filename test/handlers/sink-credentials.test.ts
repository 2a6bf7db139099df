import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HANDLER_ENV } from '../../functions/contracts/handler-env';
import { readSinkCredentials, sinkWithSecret } from '../../functions/entrypoints/handlers/sink-credentials';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:k6fleet-influx-AbCdEf';
const sm = mockClient(SecretsManagerClient);

/** A loopback /write receiver that records the Authorization header of each request. */
let server: ReturnType<typeof createServer>;
let url = '';
const auth: (string | undefined)[] = [];
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    auth.push(req.headers.authorization);
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  sm.reset();
  auth.length = 0;
});

const env = () => ({
  [HANDLER_ENV.sink]: JSON.stringify({
    kind: 'influxdb',
    url,
    database: 'k6',
    passwordEnv: 'K6_FLEET_SINK_PASSWORD',
  }),
  [HANDLER_ENV.sinkSecretArn]: SECRET_ARN,
});

async function writeOnePoint(sink: Awaited<ReturnType<typeof sinkWithSecret>>) {
  expect(sink).toBeDefined();
  await sink?.writeEvent('r1', 'checkout', { at: Date.now(), kind: 'start', text: 'run started' });
  await sink?.flush();
}

describe('sink credentials from Secrets Manager (cold start)', () => {
  it('reads the secret once and writes with its token (Token auth), the env holding only the ARN', async () => {
    sm.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
      SecretString: JSON.stringify({ username: 'k6fleet', password: 'pw-1', token: 'tok-1' }),
    });
    const e = env();
    await writeOnePoint(await sinkWithSecret(new SecretsManagerClient({ region: 'eu-west-1' }), e));
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(auth[0]).toBe('Token tok-1');
    expect(JSON.stringify(e)).not.toContain('tok-1');
  });

  it('falls back to the admin user and password (Basic auth) until a token is stored', async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ username: 'k6fleet', password: 'pw-2' }),
    });
    await writeOnePoint(await sinkWithSecret(new SecretsManagerClient({ region: 'eu-west-1' }), env()));
    expect(auth[0]).toBe(`Basic ${Buffer.from('k6fleet:pw-2').toString('base64')}`);
  });

  it('refuses a malformed secret without echoing it', async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ password: 42, leak: 'hunter2' }),
    });
    const err = await readSinkCredentials(
      new SecretsManagerClient({ region: 'eu-west-1' }),
      SECRET_ARN,
    ).catch((e: Error) => e);
    expect(String(err)).toMatch(/expected JSON with username\/password\/token/);
    expect(String(err)).not.toContain('hunter2');
  });

  it('reads no secret for a sink that needs none', async () => {
    const sink = await sinkWithSecret(new SecretsManagerClient({ region: 'eu-west-1' }), {
      [HANDLER_ENV.sink]: JSON.stringify({ kind: 'none' }),
    });
    expect(sink).toBeDefined();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
