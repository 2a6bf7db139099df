import type { FieldName, MEASURE } from '../sinks/schema';
import type { Flavor } from './datasources';

/** Dashboard variable names every query may refer to. */
export const VAR = {
  testName: 'testName',
  runId: 'runId',
  region: 'region',
  runA: 'runA',
  runB: 'runB',
} as const;

export type RollupField = FieldName<typeof MEASURE.rollup>;
export type ProcessField = FieldName<typeof MEASURE.process>;
export type RunField = FieldName<typeof MEASURE.run>;

/** One query as a data source runs it. */
export interface DashboardQuery {
  text: string;
  format: 'time_series' | 'table';
  /** Series naming: InfluxQL alias (e.g. `$tag_region`), PromQL legend format (e.g. `{{region}}`). */
  alias?: string;
  /** PromQL: evaluate once at the end of the range (tables) instead of over it. */
  instant?: boolean;
  /** PromQL tables: one row per `rows` label value, one column per `columns` label value. */
  pivot?: { rows: string; columns: string };
}

/**
 * Everything the dashboards ask of the metrics store, in one vocabulary; each back end
 * writes it in its own language from schema.ts names only (identifiers always "quoted",
 * so test/dashboards can check every one of them against what the writers produce).
 */
export interface QueryDialect {
  readonly flavor: Flavor;
  /** Global rollup fields of the selected run, one series per field. */
  rollupGlobal(fields: RollupField[]): DashboardQuery;
  /** One rollup field per selected region, one series per region. */
  rollupByRegion(field: RollupField): DashboardQuery;
  /** A k6 counter's fleet-wide rate per second: each runner's mean rate per bin, summed over runners. */
  counterRate(metric: string, alias: string): DashboardQuery;
  /** A process field per runner. */
  processByRunner(field: ProcessField): DashboardQuery;
  /** Each check's pass rate over the range: Σ passes / Σ checks across runners (merged, not averaged). */
  checksTable(): DashboardQuery;
  /** Each threshold's latest state. */
  thresholdsTable(): DashboardQuery;
  /** Run events for annotations: time, text, kind, region. */
  events(): DashboardQuery;
  /** `elapsed_ms` and one global rollup field of run `runVar`, for overlaying runs by elapsed time. */
  rollupByElapsed(field: RollupField, runVar: string, alias: string): DashboardQuery;
  /** Whole-run numbers of the runs named by the variables. */
  runsTable(runVars: string[], fields: RunField[]): DashboardQuery;
  /** One point per run of the selected test for each field, over the dashboard range. */
  runHistory(fields: RunField[]): DashboardQuery;
  /** All runs of the selected test with their verdict and headline numbers. */
  runHistoryTable(fields: RunField[]): DashboardQuery;
  /** Variable queries. */
  testNames(source: 'live' | 'runs'): string;
  runIds(source: 'live' | 'runs'): string;
  regions(): string;
}
