import { storedCorrelations } from '../../adapters/store/server-window-store';
import type { Plan, ServerScrapeState, Summary } from '../../contracts';
import { LIVE_TOP, topSeries } from '../../core/server-metrics/top-series';

/**
 * The final correlations (every stored window of both sides) and the scrape counts into
 * summary.json's `fleet.correlations` and `fleet.server`.
 */
export async function addServerSummary(
  store: Parameters<typeof storedCorrelations>[0],
  plan: Plan,
  server: ServerScrapeState | undefined,
  summary: Summary,
): Promise<void> {
  const correlations = await storedCorrelations(store, plan);
  summary.fleet.correlations = correlations;
  summary.fleet.server = {
    sources: server?.sources ?? [],
    top: topSeries(server?.latest ?? [], correlations),
    correlations: correlations.slice(0, LIVE_TOP),
  };
}
