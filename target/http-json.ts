import type { ServerResponse } from 'node:http';

const JSON_TYPE = 'application/json';

/** Small JSON answers (admin API, 404/405); the hot path builds its own headers. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, ['content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(body))]);
  res.end(body);
}
