import type { Correlation } from '../../contracts/server-metrics';

/** The k6 side of a correlation, as summary.json names it. */
export const K6_SIDE = {
  p95: 'http_req_duration p(95)',
  errorRate: 'http_req_failed rate',
  rps: 'http_reqs rate',
} as const;

const METRIC_WORDS: Readonly<Record<string, string>> = {
  [K6_SIDE.p95]: 'p95 latency',
  [K6_SIDE.errorRate]: 'error rate',
  [K6_SIDE.rps]: 'request rate',
};

export interface SentenceOptions {
  /** At most this many findings. @default 3 */
  readonly max?: number;
  /** Weaker correlations are not worth a sentence. @default 0.7 */
  readonly minAbsR?: number;
}

/** The order findings are told in: latency first (the question people ask), then errors, then throughput. */
const SIDE_ORDER: readonly string[] = [K6_SIDE.p95, K6_SIDE.errorRate, K6_SIDE.rps];

/**
 * The top findings in words, e.g. "p95 latency rose with app_db_pool_waiting, r = 0.93,
 * same window": the strongest correlate of each k6 side first (latency, errors,
 * throughput), then the next strongest overall. A server's own request counter always
 * tracks k6's request rate; leading by side keeps that from crowding out the finding about
 * latency. `correlations` is sorted by |r| already (correlateSeries does that).
 */
export function correlationSentences(
  correlations: readonly Correlation[],
  options: SentenceOptions = {},
): string[] {
  const max = options.max ?? 3;
  const minAbsR = options.minAbsR ?? 0.7;
  const strong = correlations.filter((c) => Math.abs(c.r) >= minAbsR);
  const leaders = SIDE_ORDER.flatMap((side) => strong.find((c) => c.metric === side) ?? []);
  const rest = strong.filter((c) => !leaders.includes(c));
  return [...leaders, ...rest].slice(0, max).map(correlationSentence);
}

export function correlationSentence(c: Correlation): string {
  const metric = METRIC_WORDS[c.metric] ?? c.metric;
  const how = c.r >= 0 ? `${metric} rose with ${c.series}` : `${metric} fell as ${c.series} rose`;
  return `${how}, r = ${formatR(c.r)}, ${lagWords(c.series, c.lagSeconds)}`;
}

function lagWords(series: string, lagSeconds: number): string {
  if (lagSeconds === 0) return 'same window';
  const s = `${formatSeconds(Math.abs(lagSeconds))} s`;
  return lagSeconds > 0 ? `${series} leading by ${s}` : `${series} lagging by ${s}`;
}

/** Two decimals with a true minus sign, as the text summary prints numbers for people. */
export function formatR(r: number): string {
  const text = Math.abs(r).toFixed(2);
  return r < 0 ? `−${text}` : text;
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}
