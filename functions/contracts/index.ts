/** Contracts shared by lib/ (infrastructure) and functions/ (runtime). */
export * from './anomaly';
export * from './control';
export * from './cost';
export * from './events';
export * from './exit-codes';
export * from './fleet-output-batch';
export * from './history-record';
export * from './metrics';
export * from './plan';
export * from './relay';
export * from './run-id';
export * from './run-input';
export * from './server-metrics';
export * from './stack-outputs';
export * from './status';
export * from './store-keys';
export * from './summary';
