import { parsePrometheusText } from '../../core/server-metrics/prometheus-text';
import type { Scrape } from '../../core/server-metrics/window-rates';

/** Why a scrape failed, in words fit for the summary and exit 104's message. */
export class ScrapeError extends Error {}

export interface ScrapeOptions {
  /** @default 1500 — a scrape sits inside a watcher tick: a dead endpoint must not stall it. */
  readonly timeoutMs?: number;
  /** @default 16 MiB — node_exporter on a big host is a few hundred KiB. */
  readonly maxBytes?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

const ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';

/** GETs a Prometheus text exposition and parses it. Throws ScrapeError with the reason. */
export async function scrapePrometheus(url: string, options: ScrapeOptions = {}): Promise<Scrape> {
  const timeoutMs = options.timeoutMs ?? 1500;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const t = (options.now ?? Date.now)();
  let text: string;
  try {
    const response = await fetch(url, {
      headers: { accept: ACCEPT },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new ScrapeError(`HTTP ${response.status} ${response.statusText}`.trim());
    }
    const length = Number(response.headers.get('content-length') ?? '0');
    if (length > maxBytes) {
      await response.body?.cancel();
      throw new ScrapeError(`body of ${length} bytes is over ${maxBytes}`);
    }
    text = await response.text();
  } catch (error) {
    throw new ScrapeError(fetchFailure(error, timeoutMs));
  }
  try {
    return { t, samples: parsePrometheusText(text) };
  } catch (error) {
    throw new ScrapeError(`not a Prometheus text exposition: ${(error as Error).message}`);
  }
}

/** Node's fetch says only "fetch failed"; the useful part (ECONNREFUSED …) is in `cause`. */
function fetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof ScrapeError) return error.message;
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.message) return cause.message;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
