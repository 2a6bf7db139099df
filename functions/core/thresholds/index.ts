/** k6 thresholds: parse, validate and evaluate them on the fleet's merged metrics. */
export * from './duration';
export * from './evaluate';
export * from './metric-types';
export * from './normalize';
export * from './parse-expression';
export * from './parse-selector';
export * from './threshold-errors';
export * from './validate';
