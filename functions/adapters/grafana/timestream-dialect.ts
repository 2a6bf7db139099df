import { DIM, GLOBAL_REGION, MEASURE, type MeasureName, SCOPE, tagDim } from '../sinks/schema';
import { type DashboardQuery, type QueryDialect, type RunField, VAR } from './query-dialect';

/** Timestream SQL: identifiers in "double quotes", the plugin's $__ macros, ORDER BY time ASC for series. */
const q = (id: string): string => `"${id}"`;
const FROM = 'FROM $__database.$__table';
const measure = (m: MeasureName): string => `measure_name = '${m}'`;
const eq = (dim: string, value: string): string => `${q(dim)} = '${value}'`;
const thisRun = eq(DIM.runId, `$${VAR.runId}`);
const thisTest = eq(DIM.testName, `$${VAR.testName}`);
const series = (text: string): DashboardQuery => ({ text, format: 'time_series' });
const table = (text: string): DashboardQuery => ({ text, format: 'table' });

export const timestreamDialect: QueryDialect = {
  flavor: 'timestream',

  rollupGlobal: (fields) =>
    series(
      `SELECT time, ${fields.map(q).join(', ')} ${FROM} WHERE ${measure(MEASURE.rollup)} AND ${thisRun} ` +
        `AND ${eq(DIM.scope, SCOPE.global)} AND $__timeFilter ORDER BY time ASC`,
    ),

  rollupByRegion: (field) =>
    series(
      `SELECT ${q(DIM.region)}, CREATE_TIME_SERIES(time, ${q(field)}) AS ${q(field)} ${FROM} ` +
        `WHERE ${measure(MEASURE.rollup)} AND ${thisRun} AND ${eq(DIM.scope, SCOPE.region)} ` +
        `AND ${q(DIM.region)} IN (\${${VAR.region}:singlequote}) AND $__timeFilter GROUP BY ${q(DIM.region)}`,
    ),

  counterRate: (metric, alias) =>
    series(
      `SELECT ${q('bin_time')}, SUM(${q('runner_rate')}) AS ${q(alias)} FROM (` +
        `SELECT BIN(time, $__interval_ms ms) AS ${q('bin_time')}, ${q(DIM.runner)}, AVG(${q('rate')}) AS ${q('runner_rate')} ` +
        `${FROM} WHERE ${measure(MEASURE.series)} AND ${thisRun} AND ${eq(DIM.metric, metric)} AND $__timeFilter ` +
        `GROUP BY BIN(time, $__interval_ms ms), ${q(DIM.runner)}) GROUP BY ${q('bin_time')} ORDER BY ${q('bin_time')} ASC`,
    ),

  processByRunner: (field) =>
    series(
      `SELECT ${q(DIM.runner)}, CREATE_TIME_SERIES(time, ${q(field)}) AS ${q(field)} ${FROM} ` +
        `WHERE ${measure(MEASURE.process)} AND ${thisRun} AND $__timeFilter GROUP BY ${q(DIM.runner)}`,
    ),

  checksTable: () =>
    table(
      `SELECT ${q(tagDim('check'))} AS ${q('check')}, SUM(${q('nonzero')}) / SUM(${q('total')}) AS ${q('pass_rate')}, ` +
        `SUM(${q('nonzero')}) AS ${q('passes')}, SUM(${q('total')}) - SUM(${q('nonzero')}) AS ${q('fails')} ${FROM} ` +
        `WHERE ${measure(MEASURE.series)} AND ${thisRun} AND ${eq(DIM.metric, 'checks')} AND $__timeFilter ` +
        `GROUP BY ${q(tagDim('check'))} ORDER BY ${q('pass_rate')} ASC`,
    ),

  thresholdsTable: () =>
    table(
      `SELECT ${q(DIM.metric)}, ${q(DIM.expr)}, max_by(${q('ok')}, time) AS ${q('ok')}, ` +
        `max_by(${q('value')}, time) AS ${q('value')}, max(${q('abort_on_fail')}) AS ${q('abort_on_fail')} ${FROM} ` +
        `WHERE ${measure(MEASURE.threshold)} AND ${thisRun} AND $__timeFilter GROUP BY ${q(DIM.metric)}, ${q(DIM.expr)}`,
    ),

  events: () =>
    table(
      `SELECT time, ${q('text')}, ${q(DIM.kind)}, ${q(DIM.region)} ${FROM} WHERE ${measure(MEASURE.event)} ` +
        `AND ${thisRun} AND $__timeFilter ORDER BY time ASC`,
    ),

  rollupByElapsed: (field, runVar, alias) =>
    table(
      `SELECT ${q('elapsed_ms')}, ${q(field)} AS ${q(alias)} ${FROM} WHERE ${measure(MEASURE.rollup)} ` +
        `AND ${eq(DIM.runId, `$${runVar}`)} AND ${eq(DIM.scope, SCOPE.global)} AND $__timeFilter ORDER BY ${q('elapsed_ms')} ASC`,
    ),

  runsTable: (runVars, fields) =>
    table(
      `SELECT time, ${q(DIM.runId)}, ${q(DIM.verdict)}, ${fields.map(q).join(', ')} ${FROM} ` +
        `WHERE ${measure(MEASURE.run)} AND ${q(DIM.runId)} IN (${runVars.map((v) => `'$${v}'`).join(', ')}) ` +
        `AND $__timeFilter ORDER BY time ASC`,
    ),

  runHistory: (fields: RunField[]) =>
    series(
      `SELECT time, ${fields.map(q).join(', ')} ${FROM} WHERE ${measure(MEASURE.run)} AND ${thisTest} ` +
        `AND $__timeFilter ORDER BY time ASC`,
    ),

  runHistoryTable: (fields: RunField[]) =>
    table(
      `SELECT time, ${q(DIM.runId)}, ${q(DIM.verdict)}, ${fields.map(q).join(', ')} ${FROM} ` +
        `WHERE ${measure(MEASURE.run)} AND ${thisTest} AND $__timeFilter ORDER BY time DESC`,
    ),

  testNames: (source) =>
    `SELECT DISTINCT ${q(DIM.testName)} ${FROM} WHERE ${measure(source === 'live' ? MEASURE.rollup : MEASURE.run)} ` +
    `AND $__timeFilter ORDER BY ${q(DIM.testName)}`,

  runIds: (source) =>
    `SELECT ${q(DIM.runId)} ${FROM} WHERE ${measure(source === 'live' ? MEASURE.rollup : MEASURE.run)} AND ${thisTest} ` +
    `AND $__timeFilter GROUP BY ${q(DIM.runId)} ORDER BY max(time) DESC`,

  regions: () =>
    `SELECT DISTINCT ${q(DIM.region)} ${FROM} WHERE ${measure(MEASURE.rollup)} AND ${thisRun} ` +
    `AND ${eq(DIM.scope, SCOPE.region)} AND ${q(DIM.region)} <> '${GLOBAL_REGION}' AND $__timeFilter`,
};
