import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NullReceiver {
  /** `127.0.0.1:PORT` */
  readonly hostPort: string;
  /** Requests answered and body bytes read since start. */
  readonly counts: { requests: number; bytes: number };
  stop(): Promise<void>;
}

/**
 * A metrics endpoint that reads each body and answers 200 with an empty body, decoding
 * nothing: what an output costs k6 when the receiver costs (almost) nothing.
 * k6's OTLP exporter accepts an empty 200 as "all accepted", as does prometheus-rw.
 */
export async function startNullReceiver(): Promise<NullReceiver> {
  const counts = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (c: Buffer) => {
      counts.bytes += c.length;
    });
    req.on('end', () => {
      counts.requests++;
      res.writeHead(200, { 'content-length': '0' }).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    hostPort: `127.0.0.1:${port}`,
    counts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
