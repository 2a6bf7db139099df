import { describe, expect, it } from 'vitest';
import { ExpositionError, parsePrometheusText } from '../../functions/core/server-metrics/prometheus-text';
import { seriesFilter, seriesKey } from '../../functions/core/server-metrics/series-select';
import { windowValues } from '../../functions/core/server-metrics/window-rates';
import { targetExposition } from '../../target/metrics-exposition';

const NODE_EXPORTER = `# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 1000.5
node_cpu_seconds_total{cpu="0",mode="user"} 20
# TYPE node_memory_MemAvailable_bytes gauge
node_memory_MemAvailable_bytes 8.5e+09
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} 10
http_request_duration_seconds_bucket{le="+Inf"} 12
http_request_duration_seconds_sum 1.5
http_request_duration_seconds_count 12
pg_stat_activity_count{datname="shop",state="active"} 7 1712345678000
weird_label{path="a\\"b\\\\c\\nd"} NaN
`;

describe('Prometheus text exposition', () => {
  it('parses samples with labels, escapes, timestamps, special values and family types', () => {
    // Act
    const samples = parsePrometheusText(NODE_EXPORTER);

    // Assess
    const byKey = new Map(samples.map((s) => [seriesKey(s.name, s.labels), s]));
    expect(byKey.get('node_cpu_seconds_total{cpu="0",mode="idle"}')).toMatchObject({
      value: 1000.5,
      type: 'counter',
    });
    expect(byKey.get('node_memory_MemAvailable_bytes')).toMatchObject({ value: 8.5e9, type: 'gauge' });
    expect(byKey.get('http_request_duration_seconds_count')?.type).toBe('histogram');
    expect(byKey.get('http_request_duration_seconds_bucket{le="+Inf"}')?.value).toBe(12);
    expect(byKey.get('pg_stat_activity_count{datname="shop",state="active"}')).toMatchObject({
      value: 7,
      type: 'untyped',
    });
    expect(samples.find((s) => s.name === 'weird_label')?.labels.path).toBe('a"b\\c\nd');
    expect(Number.isNaN(samples.find((s) => s.name === 'weird_label')?.value)).toBe(true);
  });

  it('reads the bundled target exposition', () => {
    // Act
    const samples = parsePrometheusText(
      targetExposition(
        { requests: 3, errors: 1, byRoute: { '/q': 3 } },
        { size: 4, inUse: 2, waiting: 0, acquiredTotal: 9, rejectedTotal: 0, waitSecondsTotal: 0.5 },
      ),
    );

    // Assess
    const names = samples.map((s) => seriesKey(s.name, s.labels));
    expect(names).toEqual(
      expect.arrayContaining([
        'app_db_pool_waiting',
        'app_http_requests_total{route="/q"}',
        'process_cpu_seconds_total',
      ]),
    );
    expect(samples.find((s) => s.name === 'app_db_pool_in_use')).toMatchObject({ value: 2, type: 'gauge' });
  });

  it('refuses what is not an exposition, naming the line', () => {
    // Assess
    expect(() => parsePrometheusText('<!doctype html>\n<html><body>hi</body></html>')).toThrow(
      ExpositionError,
    );
    expect(() => parsePrometheusText('<!doctype html>')).toThrow(/line 1: expected a metric name/);
    expect(() => parsePrometheusText('# HELP only comments\n')).toThrow(/no samples/);
    expect(() => parsePrometheusText('up 1\nup{job="x} 1')).toThrow(/line 2: unterminated label value/);
    expect(() => parsePrometheusText('up one')).toThrow(/bad value one/);
  });

  it('selects by name globs and label globs, never histogram buckets', () => {
    // Prepare
    const samples = parsePrometheusText(NODE_EXPORTER);
    const pick = (select: Parameters<typeof seriesFilter>[0]) =>
      samples.filter(seriesFilter(select)).map((s) => seriesKey(s.name, s.labels));

    // Assess
    expect(pick({ names: ['node_*'], labels: { mode: 'us*' } })).toEqual([
      'node_cpu_seconds_total{cpu="0",mode="user"}',
    ]);
    expect(pick({ names: ['http_request_duration_seconds*'] })).toEqual([
      'http_request_duration_seconds_sum',
      'http_request_duration_seconds_count',
    ]);
    expect(pick({ names: ['pg_stat_activity_count'], labels: { state: 'idle' } })).toEqual([]);
    expect(pick(undefined)).toHaveLength(7);
  });

  it('turns counters into per-second rates over the window, keeps gauges, and survives a reset', () => {
    // Prepare
    const at = (t: number, cpu: number, mem: number) => ({
      t,
      samples: parsePrometheusText(
        `# TYPE c counter\nc ${cpu}\n# TYPE m gauge\nm ${mem}\nreqs_total ${cpu * 10}\n`,
      ),
    });
    const first = at(0, 10, 100);
    const second = at(2000, 13, 120);
    const restarted = at(4000, 1, 90);

    // Act
    const initial = windowValues(undefined, first, undefined);
    const next = windowValues(first, second, undefined);
    const afterReset = windowValues(second, restarted, { names: ['c', 'm'] });

    // Assess: no rate without a previous scrape; untyped *_total counts as a counter.
    expect(initial).toEqual([{ series: 'm', value: 100 }]);
    expect(next).toEqual([
      { series: 'rate(c)', value: 1.5 },
      { series: 'm', value: 120 },
      { series: 'rate(reqs_total)', value: 15 },
    ]);
    expect(afterReset).toEqual([
      { series: 'rate(c)', value: 0.5 },
      { series: 'm', value: 90 },
    ]);
  });
});
