/** What reached the target (admin calls excluded). */
export interface TargetStats {
  /** Every non-admin request, counted on arrival. */
  requests: number;
  /** Requests per route key (e.g. `/api/*`); unmatched paths under UNMATCHED_ROUTE. */
  byRoute: Record<string, number>;
  /** Responses with status >= 400 (k6's default http_req_failed rule): injected, 404, 405. */
  errors: number;
  /** Epoch ms of the first / last request since start or resetStats(). */
  firstRequestAt?: number;
  lastRequestAt?: number;
  /** Epoch ms of the first error response: when a failure injected mid-run began to bite. */
  firstErrorAt?: number;
}

export const UNMATCHED_ROUTE = '(unmatched)';

/** Counters for the hot path: a Map of plain numbers, copied out on demand. */
export class StatsCounter {
  private requests = 0;
  private errors = 0;
  private byRoute = new Map<string, number>();
  private firstRequestAt: number | undefined;
  private lastRequestAt: number | undefined;
  private firstErrorAt: number | undefined;

  count(routeKey: string, isError: boolean): void {
    const now = Date.now();
    this.requests++;
    if (isError) {
      this.errors++;
      this.firstErrorAt ??= now;
    }
    this.byRoute.set(routeKey, (this.byRoute.get(routeKey) ?? 0) + 1);
    this.firstRequestAt ??= now;
    this.lastRequestAt = now;
  }

  snapshot(): TargetStats {
    const stats: TargetStats = {
      requests: this.requests,
      byRoute: Object.fromEntries(this.byRoute),
      errors: this.errors,
    };
    if (this.firstRequestAt !== undefined) stats.firstRequestAt = this.firstRequestAt;
    if (this.lastRequestAt !== undefined) stats.lastRequestAt = this.lastRequestAt;
    if (this.firstErrorAt !== undefined) stats.firstErrorAt = this.firstErrorAt;
    return stats;
  }

  reset(): void {
    this.requests = 0;
    this.errors = 0;
    this.byRoute = new Map();
    this.firstRequestAt = undefined;
    this.lastRequestAt = undefined;
    this.firstErrorAt = undefined;
  }
}
