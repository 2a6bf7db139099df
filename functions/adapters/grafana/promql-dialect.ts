import { EVENT_SERIES, PROM_FIELDS, PROM_LABEL, seriesNames } from '../sinks/prometheus-names';
import { MEASURE, type MeasureName, SCOPE } from '../sinks/schema';
import {
  type DashboardQuery,
  type QueryDialect,
  type RollupField,
  type RunField,
  VAR,
} from './query-dialect';

/**
 * PromQL over what the Prometheus sink writes (prometheus-names.ts): per-runner k6 series
 * as k6's prometheus-rw output names them (`runner!=""`), rollups and run points as
 * `<measure>_<field>` gauges in base units. Live numbers are computed from the runner
 * series — sums of counter rates, histogram_quantile over summed native histograms (merged,
 * never averaged percentiles); elapsed-time overlays and whole-run numbers read the rollup
 * and run gauges. Values are converted back to the schema's units (ms) so every dialect
 * feeds the same panels.
 */
const L = PROM_LABEL;
/** Label matchers, e.g. `m(L.runner, '!=', '')`; a selector is `{…}` of them. */
type Matchers = string[];
const m = (label: string, op: '=' | '!=' | '=~', value: string): string => `${label}${op}"${value}"`;
const sel = (ms: Matchers): string => (ms.length ? `{${ms.join(',')}}` : '');
const runIs = (v: string) => m(L.runId, '=', `$${v}`);
const thisRun: Matchers = [runIs(VAR.runId)];
/** Per-runner series only: rollups carry no runner label. */
const runners: Matchers = [...thisRun, m(L.runner, '!=', '')];
const thisTest: Matchers = [m(L.testName, '=', `$${VAR.testName}`)];
const series = (text: string, alias?: string): DashboardQuery => ({ text, format: 'time_series', alias });
/** Tables show one value per series: evaluated once, at the end of the dashboard range. */
const table = (text: string): DashboardQuery => ({ text, format: 'table', instant: true });

/** The gauge a measure's field is written as, and the factor back to schema units. */
function gauge(measure: MeasureName, field: string): { name: string; toSchema: string } {
  const map = PROM_FIELDS[measure]?.[field];
  if (!map) throw new Error(`no Prometheus series for ${measure}.${field}`);
  const [suffix, mult] = map;
  return { name: `${measure}_${suffix}`, toSchema: mult === 1 ? '' : ` * ${1 / mult}` };
}

/** `expr` with a `field` label naming it (several fields in one query stay apart after arithmetic). */
const named = (expr: string, field: string): string => `label_replace(${expr}, "field", "${field}", "", "")`;
const anyOf = (exprs: string[]): string => exprs.join(' or ');

const counter = (metric: string): string =>
  seriesNames({ metric, contains: 'default', type: 'counter' }).counter;
const DURATION = seriesNames({ metric: 'http_req_duration', contains: 'time', type: 'trend' }).histogram;
const RATE = '[$__rate_interval]';
const QUANTILE: Partial<Record<RollupField, number>> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

/** Σ over the selected runners of a counter's per-second rate. */
const sumRate = (metric: string, grp: string, ms: Matchers): string =>
  `sum${grp}(rate(${counter(metric)}${sel(ms)}${RATE}))`;

/**
 * A rollup field from the runner series `ms` select, summed / merged by `by` (or fleet-wide):
 * the same numbers the watcher's rollups hold, in the form Prometheus users expect.
 */
function fromRunners(field: RollupField, ms: Matchers, by?: string): string {
  const grp = by ? ` by (${by}) ` : ' ';
  const ratio = (metric: string) =>
    `${sumRate(metric, grp, [...ms, m(L.condition, '=', 'nonzero')])} / ${sumRate(metric, grp, ms)}`;
  const q = QUANTILE[field];
  if (q !== undefined)
    return `histogram_quantile(${q}, sum${grp}(rate(${DURATION}${sel(ms)}${RATE}))) * 1000`;
  switch (field) {
    case 'rps':
      return sumRate('http_reqs', grp, ms);
    case 'vus':
      return `sum${grp}(k6_vus${sel(ms)})`;
    case 'error_rate':
      return ratio('http_req_failed');
    case 'checks_rate':
      return ratio('checks');
    default: {
      // Window totals (requests, data, elapsed): the watcher's rollup gauges.
      const g = gauge(MEASURE.rollup, field);
      const scope = m(L.scope, '=', by ? SCOPE.region : SCOPE.global);
      return `${g.name}${sel([...ms.filter((x) => !x.startsWith(L.runner)), scope])}${g.toSchema}`;
    }
  }
}

/** Whole-run fields of the run points `ms` selects, each the latest over `over`, told apart by `field`. */
const runFields = (fields: RunField[], ms: Matchers, over: string): string =>
  anyOf(
    fields.map((f) => {
      const g = gauge(MEASURE.run, f);
      return named(`last_over_time(${g.name}${sel(ms)}[${over}])${g.toSchema}`, f);
    }),
  );

/** Run tables as the other dialects show them: a row per run, a column per field. */
const PER_RUN = { rows: L.runId, columns: 'field' };

const labelValues = (name: string, ms: Matchers, label: string): string =>
  `label_values(${name}${sel(ms)}, ${label})`;
const RUNS = gauge(MEASURE.run, 'requests').name;
const ROLLUPS = gauge(MEASURE.rollup, 'rps').name;

export const promqlDialect: QueryDialect = {
  flavor: 'prometheus',

  rollupGlobal: (fields) =>
    fields.length === 1
      ? series(fromRunners(fields[0]!, runners), fields[0])
      : series(anyOf(fields.map((f) => named(fromRunners(f, runners), f))), '{{field}}'),

  rollupByRegion: (field) =>
    series(
      fromRunners(field, [...runners, m(L.region, '=~', `$${VAR.region}`)], L.region),
      `{{${L.region}}}`,
    ),

  counterRate: (metric, alias) => series(sumRate(metric, ' ', runners), alias),

  processByRunner: (field) => {
    const g = gauge(MEASURE.process, field);
    return series(`${g.name}${sel(runners)}${g.toSchema}`, `{{${L.runner}}}`);
  },

  // Cumulative counters: the max over the range is each runner's run total; Σ passes / Σ checks.
  checksTable: () => {
    const total = (ms: Matchers) =>
      `sum by (check) (max_over_time(${counter('checks')}${sel(ms)}[$__range]))`;
    return table(`${total([...runners, m(L.condition, '=', 'nonzero')])} / ${total(runners)}`);
  },

  thresholdsTable: () =>
    table(`last_over_time(${gauge(MEASURE.threshold, 'ok').name}${sel(thisRun)}[$__range])`),

  events: () => series(`${EVENT_SERIES}${sel(thisRun)}`),

  rollupByElapsed: (field, runVar, alias) => {
    const ms = [runIs(runVar), m(L.scope, '=', SCOPE.global)];
    const el = gauge(MEASURE.rollup, 'elapsed_ms');
    const v = gauge(MEASURE.rollup, field);
    return series(
      anyOf([
        named(`${el.name}${sel(ms)}${el.toSchema}`, 'elapsed_ms'),
        named(`${v.name}${sel(ms)}${v.toSchema}`, alias),
      ]),
      '{{field}}',
    );
  },

  runsTable: (runVars, fields) => ({
    ...table(
      runFields(fields, [m(L.runId, '=~', `^(${runVars.map((v) => `$${v}`).join('|')})$`)], '$__range'),
    ),
    pivot: PER_RUN,
  }),

  runHistory: (fields) => series(runFields(fields, thisTest, '$__interval'), `{{${L.runId}}} {{field}}`),

  runHistoryTable: (fields) => ({ ...table(runFields(fields, thisTest, '$__range')), pivot: PER_RUN }),

  testNames: (source) => labelValues(source === 'live' ? ROLLUPS : RUNS, [], L.testName),

  runIds: (source) => labelValues(source === 'live' ? ROLLUPS : RUNS, thisTest, L.runId),

  regions: () => labelValues(ROLLUPS, [...thisRun, m(L.scope, '=', SCOPE.region)], L.region),
};
