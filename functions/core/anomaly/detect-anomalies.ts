import type { Anomaly, LiveStats, RollupPoint } from '../../contracts';

/** How many previous windows make the baseline a window is compared with. */
export const BASELINE_WINDOWS = 10;
/** Fewer previous windows than this: no baseline yet, no verdict. */
const MIN_BASELINE = 3;
/** Latencies below this are too small for a "doubling" to matter. */
const MIN_LATENCY_MS = 5;

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
const ms = (v: number) => `${v.toFixed(1)} ms`;

/** A condition found in one window; `key` identifies it so it is reported once per episode. */
export interface Finding {
  key: string;
  kind: string;
  region?: string;
  message: string;
}

function againstBaseline(
  scope: string,
  region: string | undefined,
  now: LiveStats,
  past: LiveStats[],
): Finding[] {
  if (past.length < MIN_BASELINE) return [];
  const out: Finding[] = [];
  const where = region ? ` in ${region}` : '';
  const baseErr = median(past.map((p) => p.errorRate ?? 0)) ?? 0;
  if (now.errorRate !== null && now.errorRate >= 0.05 && now.errorRate >= 5 * baseErr) {
    out.push({
      key: `error-spike:${scope}`,
      kind: 'error-spike',
      region,
      message: `error rate${where} ${pct(now.errorRate)} (baseline ${pct(baseErr)})`,
    });
  }
  const baseP95 = median(past.flatMap((p) => (p.p95 === null ? [] : [p.p95])));
  if (now.p95 !== null && baseP95 !== null && now.p95 >= MIN_LATENCY_MS && now.p95 > 2 * baseP95) {
    out.push({
      key: `latency-jump:${scope}`,
      kind: 'latency-jump',
      region,
      message: `p95 latency${where} ${ms(now.p95)}, over twice its baseline of ${ms(baseP95)}`,
    });
  }
  const baseRps = median(past.map((p) => p.rps));
  const baseVus = median(past.map((p) => p.vus));
  // Fewer requests with as many VUs: the target (or the path to it) slowed down or stalled.
  if (
    baseRps !== null &&
    baseVus !== null &&
    baseRps >= 10 &&
    now.vus >= 0.9 * baseVus &&
    now.rps < 0.5 * baseRps
  ) {
    out.push({
      key: `throughput-drop:${scope}`,
      kind: 'throughput-drop',
      region,
      message: `requests/s${where} fell to ${now.rps.toFixed(1)} from ${baseRps.toFixed(1)} with ${now.vus} VUs`,
    });
  }
  return out;
}

/** A region whose p95 is more than twice the other regions' median: a regional problem. */
function regionOutliers(point: RollupPoint): Finding[] {
  const regions = Object.entries(point.regions).filter(([, s]) => s.p95 !== null && s.requests >= 20);
  if (regions.length < 2) return [];
  return regions.flatMap(([name, s]) => {
    const others = median(regions.filter(([n]) => n !== name).map(([, o]) => o.p95!));
    if (others === null || s.p95! < MIN_LATENCY_MS || s.p95! <= 2 * others) return [];
    return [
      {
        key: `region-outlier:${name}`,
        kind: 'region-outlier',
        region: name,
        message: `p95 in ${name} ${ms(s.p95!)}, over twice the other regions' ${ms(others)}`,
      },
    ];
  });
}

/**
 * Rules over the watcher's rollups, run on every emitted window: error-rate spikes, latency
 * jumps and throughput drops against the run's own recent baseline (fleet-wide and per
 * region), and a region far slower than the others. Pure: the watcher keeps the history.
 */
export function findAnomalies(point: RollupPoint, history: RollupPoint[]): Finding[] {
  const past = history.slice(-BASELINE_WINDOWS);
  const findings = againstBaseline(
    'fleet',
    undefined,
    point.global,
    past.map((p) => p.global),
  );
  for (const [region, stats] of Object.entries(point.regions)) {
    const regionPast = past.flatMap((p) => (p.regions[region] ? [p.regions[region]] : []));
    findings.push(...againstBaseline(region, region, stats, regionPast));
  }
  return [...findings, ...regionOutliers(point)];
}

/**
 * Reports each condition once per episode: a finding becomes an Anomaly when it was not
 * active in the previous window; `active` is the set of keys active now.
 */
export function newAnomalies(
  findings: Finding[],
  wasActive: readonly string[],
  at: number,
): { anomalies: Anomaly[]; active: string[] } {
  const anomalies = findings
    .filter((f) => !wasActive.includes(f.key))
    .map((f) => ({ at, kind: f.kind, message: f.message, ...(f.region ? { region: f.region } : {}) }));
  return { anomalies, active: findings.map((f) => f.key) };
}
