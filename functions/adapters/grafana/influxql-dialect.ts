import { DIM, MEASURE, SCOPE, tagDim } from '../sinks/schema';
import {
  type DashboardQuery,
  type QueryDialect,
  type RollupField,
  type RunField,
  VAR,
} from './query-dialect';

/** InfluxQL (1.x, or the v1-compatible API of InfluxDB 2 / Timestream for InfluxDB). */
const q = (id: string): string => `"${id}"`;
const eq = (dim: string, value: string): string => `${q(dim)} = '${value}'`;
const thisRun = eq(DIM.runId, `$${VAR.runId}`);
const thisTest = eq(DIM.testName, `$${VAR.testName}`);
const series = (text: string, alias?: string): DashboardQuery => ({ text, format: 'time_series', alias });
const table = (text: string): DashboardQuery => ({ text, format: 'table' });
const fieldList = (fields: string[]): string => fields.map(q).join(', ');

export const influxqlDialect: QueryDialect = {
  flavor: 'influxdb',

  rollupGlobal: (fields: RollupField[]) =>
    series(
      `SELECT ${fieldList(fields)} FROM ${q(MEASURE.rollup)} WHERE ${thisRun} AND ${eq(DIM.scope, SCOPE.global)} AND $timeFilter`,
      '$col',
    ),

  rollupByRegion: (field) =>
    series(
      `SELECT ${q(field)} FROM ${q(MEASURE.rollup)} WHERE ${thisRun} AND ${eq(DIM.scope, SCOPE.region)} ` +
        `AND ${q(DIM.region)} =~ /^\${${VAR.region}:regex}$/ AND $timeFilter GROUP BY ${q(DIM.region)}`,
      `$tag_${DIM.region}`,
    ),

  counterRate: (metric, alias) =>
    series(
      `SELECT sum(${q('runner_rate')}) AS ${q(alias)} FROM (SELECT mean(${q('rate')}) AS ${q('runner_rate')} ` +
        `FROM ${q(MEASURE.series)} WHERE ${thisRun} AND ${eq(DIM.metric, metric)} AND $timeFilter ` +
        `GROUP BY time($__interval), ${q(DIM.runner)}) WHERE $timeFilter GROUP BY time($__interval)`,
      alias,
    ),

  processByRunner: (field) =>
    series(
      `SELECT ${q(field)} FROM ${q(MEASURE.process)} WHERE ${thisRun} AND $timeFilter GROUP BY ${q(DIM.runner)}`,
      `$tag_${DIM.runner}`,
    ),

  checksTable: () =>
    table(
      `SELECT sum(${q('nonzero')}) / sum(${q('total')}) AS ${q('pass_rate')}, sum(${q('nonzero')}) AS ${q('passes')}, ` +
        `sum(${q('total')}) - sum(${q('nonzero')}) AS ${q('fails')} FROM ${q(MEASURE.series)} ` +
        `WHERE ${thisRun} AND ${eq(DIM.metric, 'checks')} AND $timeFilter GROUP BY ${q(tagDim('check'))}`,
    ),

  thresholdsTable: () =>
    table(
      `SELECT last(${q('ok')}) AS ${q('ok')}, last(${q('value')}) AS ${q('value')}, ` +
        `max(${q('abort_on_fail')}) AS ${q('abort_on_fail')} FROM ${q(MEASURE.threshold)} ` +
        `WHERE ${thisRun} AND $timeFilter GROUP BY ${q(DIM.metric)}, ${q(DIM.expr)}`,
    ),

  events: () =>
    table(
      `SELECT ${q('text')}, ${q(DIM.kind)}, ${q(DIM.region)} FROM ${q(MEASURE.event)} WHERE ${thisRun} AND $timeFilter`,
    ),

  rollupByElapsed: (field, runVar, alias) =>
    table(
      `SELECT ${q('elapsed_ms')}, ${q(field)} AS ${q(alias)} FROM ${q(MEASURE.rollup)} ` +
        `WHERE ${eq(DIM.runId, `$${runVar}`)} AND ${eq(DIM.scope, SCOPE.global)} AND $timeFilter`,
    ),

  runsTable: (runVars, fields: RunField[]) =>
    table(
      `SELECT ${fieldList(fields)} FROM ${q(MEASURE.run)} ` +
        `WHERE (${runVars.map((v) => eq(DIM.runId, `$${v}`)).join(' OR ')}) AND $timeFilter ` +
        `GROUP BY ${q(DIM.runId)}, ${q(DIM.verdict)}`,
    ),

  runHistory: (fields: RunField[]) =>
    series(`SELECT ${fieldList(fields)} FROM ${q(MEASURE.run)} WHERE ${thisTest} AND $timeFilter`, '$col'),

  runHistoryTable: (fields: RunField[]) =>
    table(
      `SELECT ${fieldList(fields)} FROM ${q(MEASURE.run)} WHERE ${thisTest} AND $timeFilter ` +
        `GROUP BY ${q(DIM.runId)}, ${q(DIM.verdict)}`,
    ),

  testNames: (source) =>
    `SHOW TAG VALUES FROM ${q(source === 'live' ? MEASURE.rollup : MEASURE.run)} WITH KEY = ${q(DIM.testName)}`,

  runIds: (source) =>
    `SHOW TAG VALUES FROM ${q(source === 'live' ? MEASURE.rollup : MEASURE.run)} WITH KEY = ${q(DIM.runId)} WHERE ${thisTest}`,

  regions: () =>
    `SHOW TAG VALUES FROM ${q(MEASURE.rollup)} WITH KEY = ${q(DIM.region)} WHERE ${thisRun} AND ${eq(DIM.scope, SCOPE.region)}`,
};
