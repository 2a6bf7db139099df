import { createServer, type IncomingMessage, type Server } from 'node:http';

/**
 * A loopback proxy in front of moto that records every Timestream WriteRecords request
 * and can answer the way the real service does under load or with bad records:
 * ThrottlingException (nothing ingested) or RejectedRecordsException (the other
 * records ingested, the listed indexes not). moto itself never throttles or rejects.
 */

export interface WriteRequestBody {
  DatabaseName: string;
  TableName: string;
  CommonAttributes?: Record<string, unknown>;
  Records: Record<string, unknown>[];
}

export type Fault = { kind: 'throttle' } | { kind: 'reject'; indexes: number[]; reason: string };

export interface FaultProxy {
  endpoint: string;
  /** Every WriteRecords body the proxy received, in order (including faulted ones). */
  writes: WriteRequestBody[];
  /** Faults applied to the next WriteRecords requests, one each, in order. */
  faults: Fault[];
  /** X-Amz-Target operation of every request (e.g. WriteRecords, DescribeEndpoints). */
  operations: string[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((res, rej) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res(Buffer.concat(chunks)));
    req.on('error', rej);
  });
}

const ERROR_TYPE = (name: string): string => `com.amazonaws.timestream.v20181101#${name}`;

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const writes: WriteRequestBody[] = [];
  const faults: Fault[] = [];
  const operations: string[] = [];
  const forward = async (req: IncomingMessage, body: Buffer | string) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
    }
    return fetch(`${upstream}${req.url ?? '/'}`, { method: req.method, headers, body });
  };
  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      operations.push(target.split('.').pop() ?? '');
      if (target.endsWith('.WriteRecords')) {
        const parsed = JSON.parse(body.toString()) as WriteRequestBody;
        writes.push(parsed);
        const fault = faults.shift();
        if (fault?.kind === 'throttle') {
          res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
          res.end(JSON.stringify({ __type: ERROR_TYPE('ThrottlingException'), message: 'Rate exceeded' }));
          return;
        }
        if (fault?.kind === 'reject') {
          const keep = parsed.Records.filter((_, i) => !fault.indexes.includes(i));
          const up = await forward(req, JSON.stringify({ ...parsed, Records: keep }));
          await up.arrayBuffer();
          res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
          res.end(
            JSON.stringify({
              __type: ERROR_TYPE('RejectedRecordsException'),
              message: 'One or more records have been rejected.',
              RejectedRecords: fault.indexes.map((i) => ({ RecordIndex: i, Reason: fault.reason })),
            }),
          );
          return;
        }
      }
      const up = await forward(req, body);
      const out = Buffer.from(await up.arrayBuffer());
      const headers: Record<string, string> = {};
      up.headers.forEach((v, k) => {
        if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(k))
          headers[k] = v;
      });
      res.writeHead(up.status, headers);
      res.end(out);
    } catch (err) {
      res.writeHead(500);
      res.end(String(err));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    writes,
    faults,
    operations,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
