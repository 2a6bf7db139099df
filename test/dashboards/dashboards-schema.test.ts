import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../../bin/build-dashboards';
import { buildDashboards } from '../../functions/adapters/grafana/dashboard-set';
import { FLAVORS, type Flavor, PLUGIN } from '../../functions/adapters/grafana/datasources';
import { groupLines } from '../../functions/adapters/sinks/line-protocol';
import {
  groupSeries,
  intervalSeries,
  PromCumulative,
} from '../../functions/adapters/sinks/prometheus-series';
import { FIELDS, MEASURE_NAMES } from '../../functions/adapters/sinks/schema';
import {
  eventPoints,
  intervalPoints,
  type PointGroup,
  rollupPoints,
  runSummaryPoints,
  serverPoints,
  thresholdPoints,
} from '../../functions/adapters/sinks/sink-points';
import { encodeGroup } from '../../functions/adapters/sinks/timestream-records';
import { intervalRecord, rollupPoint, summaryFixture } from '../sinks/fixtures';
import { type FoundQuery, metricsQueries, namesIn } from './dashboard-queries';

const ROOT = resolve(import.meta.dirname, '../..');

/** Everything the writers put out for a realistic run. */
function writerGroups(): PointGroup[] {
  return [
    intervalPoints(intervalRecord({ runnerId: 'r0', region: 'eu-west-1' }), 'checkout'),
    rollupPoints('run-1', 'checkout', rollupPoint(1_700_000_002_000, 2000, ['eu-west-1', 'us-east-1'])),
    eventPoints('run-1', 'checkout', {
      at: 1_700_000_001_000,
      kind: 'anomaly',
      text: 'x',
      region: 'eu-west-1',
    }),
    thresholdPoints('run-1', 'checkout', 1_700_000_002_000, [
      { metric: 'http_req_duration', expr: 'p(95)<500', ok: true, abortOnFail: false, value: 40 },
    ]),
    runSummaryPoints(summaryFixture('run-1', 'checkout', 1_700_000_000_000, 41)),
    serverPoints('run-1', 'checkout', {
      v: 1,
      window: 0,
      t: 1_700_000_002_000,
      samples: [{ series: 'app_db_pool_waiting', source: 'http://127.0.0.1:9100/metrics', value: 3 }],
      failures: [],
    }),
  ];
}

interface Produced {
  /** measure → dimension names and field names actually written for it */
  byMeasure: Map<string, Set<string>>;
  /** dimension → values written */
  values: Map<string, Set<string>>;
}

function add(p: Produced, measure: string, names: string[], dims: Record<string, string>): void {
  const set = p.byMeasure.get(measure) ?? new Set<string>();
  for (const n of names) set.add(n);
  p.byMeasure.set(measure, set);
  for (const [k, v] of Object.entries(dims)) p.values.set(k, (p.values.get(k) ?? new Set()).add(v));
}

/** Reads names back from the encoded output itself: Timestream records, or line protocol. */
function produced(flavor: Flavor): Produced {
  const p: Produced = { byMeasure: new Map(), values: new Map() };
  for (const g of writerGroups()) {
    if (flavor === 'timestream') {
      const enc = encodeGroup(g);
      const common = Object.fromEntries((enc.common.Dimensions ?? []).map((d) => [d.Name!, d.Value!]));
      for (const r of enc.records) {
        const dims = {
          ...common,
          ...Object.fromEntries((r.Dimensions ?? []).map((d) => [d.Name!, d.Value!])),
        };
        const fields = (r.MeasureValues ?? []).map((m) => m.Name!);
        add(p, r.MeasureName ?? enc.common.MeasureName!, [...Object.keys(dims), ...fields], dims);
      }
    } else {
      for (const line of groupLines(g)) {
        const [head, fieldText] = line.split(/(?<!\\) /) as [string, string];
        const [measure, ...tags] = head.split(/(?<!\\),/);
        const dims = Object.fromEntries(tags.map((t) => t.split(/(?<!\\)=/) as [string, string]));
        const fields = fieldText.split(/,(?=[a-z_0-9]+=)/).map((f) => f.split('=')[0]!);
        add(p, measure!, [...Object.keys(dims), ...fields], dims);
      }
    }
  }
  return p;
}

function queryProblems(flavor: Flavor, out: Produced, name: string, queries: FoundQuery[]): string[] {
  const problems: string[] = [];
  for (const q of queries) {
    const names = namesIn(flavor, q.text);
    if (names.measures.length === 0) problems.push(`${name} ${q.where}: names no measure`);
    const allowed = new Set(names.measures.flatMap((m) => [...(out.byMeasure.get(m) ?? [])]));
    for (const m of names.measures)
      if (!out.byMeasure.has(m)) problems.push(`${name} ${q.where}: measure ${m}`);
    for (const id of names.identifiers) {
      if (!allowed.has(id)) problems.push(`${name} ${q.where}: "${id}" is not written for ${names.measures}`);
    }
    for (const { dim, value } of names.dimValues) {
      if (!out.values.get(dim)?.has(value))
        problems.push(`${name} ${q.where}: ${dim} = '${value}' never written`);
    }
  }
  return problems;
}

describe('dashboard queries name only what the writers produce', () => {
  // PromQL names are checked by running every query on a real Prometheus (promql-dashboards.test.ts).
  for (const flavor of ['timestream', 'influxdb'] as const) {
    it(`${flavor}: every measure, dimension and field in every query is written by the sink`, () => {
      // Prepare
      const out = produced(flavor);
      const dashboards = buildDashboards(flavor);
      // Act
      const found = Object.entries(dashboards).map(
        ([name, dash]) => [name, metricsQueries(flavor, dash)] as const,
      );
      const problems = found.flatMap(([name, qs]) => queryProblems(flavor, out, name, qs));
      // Assess
      expect(problems).toEqual([]);
      expect(found.reduce((n, [, qs]) => n + qs.length, 0)).toBeGreaterThan(30);
    });
  }

  it('the check catches a misspelt field, a field of another measure and an unwritten dimension value', () => {
    const ts = produced('timestream');
    const influx = produced('influxdb');
    const bad = (text: string): FoundQuery[] => [{ where: 'test', text }];
    expect(
      queryProblems(
        'timestream',
        ts,
        'x',
        bad(`SELECT time, "p95x" FROM $__database.$__table WHERE measure_name = 'k6_rollup'`),
      ),
    ).toHaveLength(1);
    expect(
      queryProblems('influxdb', influx, 'x', bad(`SELECT "cpu" FROM "k6_rollup" WHERE $timeFilter`)),
    ).toHaveLength(1);
    expect(
      queryProblems(
        'influxdb',
        influx,
        'x',
        bad(`SELECT "p95" FROM "k6_rollup" WHERE "scope" = 'planet' AND $timeFilter`),
      ),
    ).toHaveLength(1);
  });

  it('the schema and the writers agree: every field a writer emits is declared, every measure is written', () => {
    const out = produced('influxdb');
    expect([...out.byMeasure.keys()].sort()).toEqual([...MEASURE_NAMES].sort());
    for (const [m, names] of out.byMeasure) {
      const declared = Object.keys(FIELDS[m as keyof typeof FIELDS]);
      const fields = [...names].filter((n) => declared.includes(n));
      expect(fields.length).toBeGreaterThan(0);
    }
  });
});

/** Metric names and label names the Prometheus sink writes for the same realistic run. */
function promProduced(): { names: Set<string>; labels: Set<string> } {
  const cum = new PromCumulative();
  const out = [
    ...intervalSeries(intervalRecord({ runnerId: 'r0', region: 'eu-west-1' }), 'checkout', cum),
    // groupSeries skips the k6 series (intervalSeries' job) and writes everything else.
    ...writerGroups().flatMap((g) => groupSeries(g, cum)),
  ];
  const names = new Set(out.map((ts) => ts.labels.find((l) => l.name === '__name__')!.value));
  return { names, labels: new Set(out.flatMap((ts) => ts.labels.map((l) => l.name))) };
}

function promProblems(queries: FoundQuery[]): string[] {
  const { names, labels } = promProduced();
  return queries.flatMap((q) => [
    ...[...q.text.matchAll(/\b(k6_[a-z0-9_]+)\b/g)]
      .map((m) => m[1]!)
      .filter((n) => !names.has(n))
      .map((n) => `${q.where}: metric ${n}`),
    ...[...q.text.matchAll(/\b([a-z_]+)(?:=~|!=|=)"/g), ...q.text.matchAll(/\bby \(([a-z_]+)\)/g)]
      .map((m) => m[1]!)
      .filter((l) => !labels.has(l))
      .map((l) => `${q.where}: label ${l}`),
  ]);
}

describe('PromQL dashboard queries name only what the Prometheus sink writes', () => {
  it('every metric, matcher label and grouping label is written (and a misspelt one is caught)', () => {
    // Prepare
    const queries = Object.values(buildDashboards('prometheus')).flatMap((d) =>
      metricsQueries('prometheus', d),
    );
    // Act
    const problems = promProblems(queries);
    // Assess
    expect(problems).toEqual([]);
    expect(queries.length).toBeGreaterThan(30);
    const bad = [{ where: 'x', text: 'sum by (regoin) (rate(k6_http_req_total{run_id="r"}[1m]))' }];
    expect(promProblems(bad)).toEqual(['x: metric k6_http_req_total', 'x: label regoin']);
  });
});

describe('generated dashboards are valid Grafana models', () => {
  for (const flavor of FLAVORS) {
    it(`${flavor}: committed JSON matches the code, panels are typed, placed, and bound to a data source`, async () => {
      // Prepare
      const generated = generatedFiles();
      for (const name of ['live', 'compare', 'history']) {
        const rel = `dashboards/${flavor}/${name}.json`;
        // Act
        const committed = await readFile(join(ROOT, rel), 'utf8');
        const dash = JSON.parse(committed) as Dashboard;
        // Assess
        expect(committed, `${rel} is stale: run npx tsx bin/build-dashboards.ts`).toBe(generated[rel]);
        expect(dash.uid).toBe(`k6fleet-${name}-${flavor}`);
        expect(dash.schemaVersion).toBeGreaterThanOrEqual(39);
        const ids = (dash.panels ?? []).map((p) => p.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const p of dash.panels ?? []) {
          const panel = p as {
            type: string;
            gridPos?: { w: number; h: number };
            datasource?: { type?: string };
          };
          expect(['row', 'timeseries', 'stat', 'table', 'trend']).toContain(panel.type);
          expect(panel.gridPos?.w).toBeGreaterThan(0);
          if (panel.type !== 'row')
            expect([PLUGIN[flavor], PLUGIN.cloudwatch]).toContain(panel.datasource?.type);
        }
      }
    });
  }

  it('the live dashboard carries the run variables, event annotations and CloudWatch target panels', () => {
    const live = buildDashboards('timestream').live;
    const vars = (live.templating?.list ?? []).map((v) => v.name);
    expect(vars).toEqual(
      expect.arrayContaining([
        'ds',
        'cloudwatch',
        'testName',
        'runId',
        'region',
        'cw_namespace',
        'cw_dimension',
      ]),
    );
    expect(live.annotations?.list?.map((a) => a.name)).toContain('Run events');
    const cw = (live.panels ?? []).filter(
      (p) => (p as { datasource?: { type?: string } }).datasource?.type === 'cloudwatch',
    );
    expect(cw.map((p) => p.title)).toEqual([
      'Target CPU',
      'Target memory',
      'Database connections',
      'Database CPU',
      'Database freeable memory',
      'Target Lambda: concurrency, errors, throttles',
      'Target Lambda duration',
    ]);
  });

  it('provisioning files reference secrets only through env vars', () => {
    const files = generatedFiles();
    const ds = files['grafana/provisioning/datasources/k6-fleet.yaml']!;
    expect(ds).toMatch(/password: \$\{K6FLEET_INFLUXDB_PASSWORD\}/);
    expect(ds).toContain(`type: ${PLUGIN.timestream}`);
    expect(files['grafana/provisioning/dashboards/k6-fleet.yaml']).toMatch(/foldersFromFilesStructure: true/);
  });
});
