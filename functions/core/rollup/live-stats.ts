import type { LiveStats } from '../../contracts';
import { histogramQuantile } from '../histogram/histogram-quantile';
import type { MetricTable } from '../metrics/metric-table';

/** Headline numbers of one window (one region or the fleet) from its merged metrics. */
export function liveStats(table: MetricTable, windowMs: number): LiveStats {
  const counter = (m: string) => {
    const s = table.select(m);
    return s?.agg.type === 'counter' ? s.agg.value : 0;
  };
  const rate = (m: string) => {
    const s = table.select(m);
    return s?.agg.type === 'rate' && s.agg.total > 0 ? s.agg.nonzero / s.agg.total : null;
  };
  const gauge = (m: string) => {
    const s = table.select(m);
    return s?.agg.type === 'gauge' ? s.agg.value : 0;
  };
  const latency = table.select('http_req_duration');
  const q = (p: number) => (latency?.agg.type === 'trend' ? histogramQuantile(latency.agg.hist, p) : null);
  const requests = counter('http_reqs');
  return {
    rps: windowMs > 0 ? (requests * 1000) / windowMs : 0,
    vus: gauge('vus'),
    errorRate: rate('http_req_failed'),
    p50: q(0.5),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    requests,
    iterations: counter('iterations'),
    dataSent: counter('data_sent'),
    dataReceived: counter('data_received'),
    checksRate: rate('checks'),
  };
}
