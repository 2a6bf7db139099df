import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/**
 * Query targets for the two data sources the foundation SDK has no builders for. They
 * implement the SDK's Dataquery variant, so panels accept them like any built-in query.
 */

/** The Timestream plugin's query model (grafana/timestream-datasource TimestreamQuery). */
export interface TimestreamTarget extends cog.Dataquery {
  refId: string;
  datasource?: DataSourceRef;
  queryType: 'raw';
  rawQuery: string;
  /** 0 = table, 1 = time series (the plugin's wide-frame output either way). */
  format?: number;
  hide?: boolean;
}

/** Grafana's InfluxDB (InfluxQL) query model, raw mode. */
export interface InfluxQlTarget extends cog.Dataquery {
  refId: string;
  datasource?: DataSourceRef;
  rawQuery: true;
  query: string;
  resultFormat: 'time_series' | 'table';
  alias?: string;
  hide?: boolean;
}

export class TimestreamQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly internal: TimestreamTarget;
  constructor(rawQuery: string) {
    this.internal = { refId: 'A', queryType: 'raw', rawQuery, _implementsDataqueryVariant: () => {} };
  }
  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }
  datasource(ds: DataSourceRef): this {
    this.internal.datasource = ds;
    return this;
  }
  build(): TimestreamTarget {
    return this.internal;
  }
}

export class InfluxQlQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly internal: InfluxQlTarget;
  constructor(query: string, resultFormat: 'time_series' | 'table') {
    this.internal = {
      refId: 'A',
      rawQuery: true,
      query,
      resultFormat,
      _implementsDataqueryVariant: () => {},
    };
  }
  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }
  alias(alias: string): this {
    this.internal.alias = alias;
    return this;
  }
  datasource(ds: DataSourceRef): this {
    this.internal.datasource = ds;
    return this;
  }
  build(): InfluxQlTarget {
    return this.internal;
  }
}
