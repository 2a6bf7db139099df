import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { sendJson } from './http-json';
import { parseProfile, RouteKeySchema, RoutePatchSchema } from './profile';
import type { Target } from './target';

/** Largest admin request body accepted: profiles are small. */
const MAX_ADMIN_BODY_BYTES = 1024 * 1024;

/** `PATCH /__admin/route` body: the route key plus the fields to change, flat. */
export const RoutePatchRequestSchema = RoutePatchSchema.extend({ path: RouteKeySchema });

/**
 * The admin API, so another process (demo, bench, a k6 scenario) can steer the target:
 *   GET  /__admin/stats        → TargetStats
 *   POST /__admin/reset-stats  → TargetStats (zeroed)
 *   GET  /__admin/profile      → { profile, patches }
 *   PUT  /__admin/profile      ← ProfileInput (replaces profile, restarts the phase clock)
 *   PATCH /__admin/route       ← { path: '/api/*', errorRate: 1, … } (takes effect now)
 *   POST /__admin/reset-clock  → phases count from now
 * Admin calls are never counted in the stats.
 */
export function handleAdmin(target: Target, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const action = `${req.method} ${query === -1 ? url : url.slice(0, query)}`;
  switch (action) {
    case 'GET /__admin/stats':
      sendJson(res, 200, target.stats.snapshot());
      return;
    case 'POST /__admin/reset-stats':
      target.stats.reset();
      sendJson(res, 200, target.stats.snapshot());
      return;
    case 'GET /__admin/profile':
      sendJson(res, 200, { profile: target.currentProfile, patches: Object.fromEntries(target.patches) });
      return;
    case 'POST /__admin/reset-clock':
      target.resetClock();
      sendJson(res, 200, { ok: true });
      return;
    case 'PUT /__admin/profile':
      withJsonBody(req, res, (body) => {
        target.setProfile(parseProfile(body));
        sendJson(res, 200, { ok: true, profile: target.currentProfile });
      });
      return;
    case 'PATCH /__admin/route':
      withJsonBody(req, res, (body) => {
        const { path, ...patch } = RoutePatchRequestSchema.parse(body);
        target.patchRoute(path, patch);
        sendJson(res, 200, { ok: true, path, patch: target.patches.get(path) });
      });
      return;
    default:
      sendJson(res, 404, {
        error: `unknown admin call ${action}`,
        calls: [
          'GET /__admin/stats',
          'POST /__admin/reset-stats',
          'GET /__admin/profile',
          'PUT /__admin/profile',
          'PATCH /__admin/route',
          'POST /__admin/reset-clock',
        ],
      });
  }
}

/** Reads and parses a JSON body, answering 400 (with zod's message) on bad input. */
function withJsonBody(req: IncomingMessage, res: ServerResponse, apply: (body: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_ADMIN_BODY_BYTES) {
      sendJson(res, 413, { error: `admin body over ${MAX_ADMIN_BODY_BYTES} bytes` });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (res.headersSent) return;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      apply(text.trim() === '' ? {} : JSON.parse(text));
    } catch (error) {
      const message =
        error instanceof z.ZodError
          ? z.prettifyError(error)
          : error instanceof Error
            ? error.message
            : String(error);
      sendJson(res, 400, { error: message });
    }
  });
}
