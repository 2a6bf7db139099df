/** Defaults the planner resolves when the run input leaves them out. */
export const PLAN_DEFAULTS = {
  /** Lambda allows 1,024 file descriptors per function; a VU holds at least one connection. */
  maxVusPerRunner: 900,
  intervalSeconds: 2,
  heartbeatTimeoutSeconds: 30,
  controlPollMs: 500,
  startLeadMs: 1500,
  readyTimeoutMs: 120_000,
  /** Time after the planned end before a runner stops itself regardless. */
  runGraceMs: 60_000,
  regions: [{ name: 'local', weight: 100 }],
} as const;

/** Lambda's 15-minute cap minus room for init, setup and teardown. */
export const LAMBDA_RUNNER_LIMIT_MS = 13 * 60_000;
