import type { PrometheusSource } from '../../contracts/server-metrics';
import type { PromSample } from '../../core/server-metrics/prometheus-text';
import {
  isCounter,
  type Scrape,
  type WindowValue,
  windowValues,
} from '../../core/server-metrics/window-rates';
import { scrapePrometheus } from './prometheus-scrape';

/** A source's window values and what its reader keeps for the next read. */
export interface ServerReadResult {
  readonly values: WindowValue[];
  readonly prev?: unknown;
}

/** Most series one source contributes per window: node_exporter alone has ~1000. */
export const MAX_SERIES_PER_SOURCE = 500;

/**
 * One window of a Prometheus source: scrape, gauges as read, counters as rates since the
 * previous scrape (kept in `prev`, counters only, so watch-state.json stays small).
 */
export async function readPrometheusWindow(
  source: PrometheusSource,
  prev: unknown,
  timeoutMs?: number,
): Promise<ServerReadResult> {
  const scrape = await scrapePrometheus(source.url, { timeoutMs });
  const previous = isScrape(prev) ? prev : undefined;
  const values = windowValues(previous, scrape, source.select).slice(0, MAX_SERIES_PER_SOURCE);
  const counters: PromSample[] = scrape.samples.filter(isCounter);
  return { values, prev: { t: scrape.t, samples: counters } satisfies Scrape };
}

function isScrape(v: unknown): v is Scrape {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Scrape).t === 'number' &&
    Array.isArray((v as Scrape).samples)
  );
}
