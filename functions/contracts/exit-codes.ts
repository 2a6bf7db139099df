/** k6's own process exit codes; the CLI and every runner result use these. */
export const ExitCode = {
  ok: 0,
  thresholdsFailed: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  stoppedViaRest: 103,
  invalidConfig: 104,
  externalAbort: 105,
  scriptException: 107,
  scriptAborted: 108,
  markedAsFailed: 110,
  generic: 255,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
