/** Metrics sinks: write-only, pluggable destinations for interval series, rollups and events. */
export * from './create-sink';
export * from './delivery-queue';
export * from './histogram-payload';
export * from './influxdb-sink';
export * from './line-protocol';
export * from './metrics-sink';
export * from './null-sink';
export * from './schema';
export * from './sink-config';
export * from './sink-points';
export * from './timestream-records';
export * from './timestream-sink';
