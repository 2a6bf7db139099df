import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusSink } from '../../functions/adapters/sinks/prometheus-sink';
import { decodeRemoteWriteBody } from '../../functions/adapters/sinks/remote-write-proto';
import { sigV4Signer } from '../../functions/adapters/sinks/sigv4-request-signer';
import { intervalRecord } from './fixtures';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

/** What an AMP front door does: recompute the signature of the received request with the SDK's signer. */
async function verify(req: IncomingMessage, body: Buffer, secret: string): Promise<boolean> {
  const amzDate = String(req.headers['x-amz-date']);
  const signedHeaders =
    /SignedHeaders=([^,]+)/.exec(String(req.headers.authorization))?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const h of signedHeaders) headers[h] = String(req.headers[h]);
  const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
  const signer = new SignatureV4({
    service: 'aps',
    region: 'eu-west-1',
    credentials: { ...credentials, secretAccessKey: secret },
    sha256: Sha256,
  });
  const date = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const expected = await signer.sign(
    {
      method: req.method ?? 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers,
      body: new Uint8Array(body),
    },
    { signingDate: date },
  );
  return expected.headers.authorization === req.headers.authorization;
}

let server: Server;
let url = '';
const seen: { ok: boolean; series: number; hasAuth: boolean }[] = [];
let secretOnServer = credentials.secretAccessKey;
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const ok = await verify(req, body, secretOnServer);
      seen.push({
        ok,
        series: decodeRemoteWriteBody(body).length,
        hasAuth: Boolean(req.headers.authorization),
      });
      res.writeHead(ok ? 200 : 403);
      res.end(ok ? '' : 'The request signature we calculated does not match the signature you provided.');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/workspaces/ws-test/api/v1/remote_write`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('SigV4 for Amazon Managed Service for Prometheus', () => {
  it('signs remote-write requests so that the SDK signer verifies them on the server side', async () => {
    // Prepare
    seen.length = 0;
    const sink = new PrometheusSink({ url, sign: sigV4Signer({ region: 'eu-west-1', credentials }) });
    // Act
    await sink.writeIntervals([intervalRecord({ runId: 'sig' })], 't');
    await sink.flush();
    // Assess
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.ok && s.hasAuth)).toBe(true);
    expect(seen.reduce((a, s) => a + s.series, 0)).toBe(sink.stats().written);
    expect(sink.stats().dropped).toBe(0);
  });

  it('a wrong key is refused (403), reported once and counted as dropped', async () => {
    // Prepare
    seen.length = 0;
    secretOnServer = 'another-secret';
    const logs: unknown[] = [];
    const sink = new PrometheusSink({
      url,
      sign: sigV4Signer({ region: 'eu-west-1', credentials }),
      delivery: { log: (...a) => logs.push(a) },
    });
    // Act
    await sink.writeIntervals(
      [intervalRecord({ runId: 'sig', seq: 0 }), intervalRecord({ runId: 'sig', seq: 1 })],
      't',
    );
    await sink.flush();
    // Assess
    expect(seen.some((s) => !s.ok)).toBe(true);
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs[0])).toContain('HTTP 403 The request signature we calculated does not match');
    expect(JSON.stringify(logs)).not.toContain(credentials.secretAccessKey);
    expect(sink.stats().written).toBe(0);
    expect(sink.stats().dropped).toBeGreaterThan(0);
  });
});
