/** The run store's key layout, in one place. Keys use '/' on every backend. */
export const runKeys = (runId: string) => {
  const p = `runs/${runId}`;
  return {
    prefix: `${p}/`,
    input: `${p}/input.json`,
    script: `${p}/script.js`,
    plan: `${p}/plan.json`,
    control: `${p}/control.json`,
    /** External abort requests (CLI, console stop); runners poll it beside control.json. */
    abort: `${p}/abort.json`,
    setupData: `${p}/setup-data.json`,
    readyPrefix: `${p}/ready/`,
    ready: (runnerId: string) => `${p}/ready/${runnerId}.json`,
    intervalsPrefix: `${p}/intervals/`,
    runnerIntervalsPrefix: (region: string, runnerId: string) => `${p}/intervals/${region}/${runnerId}/`,
    interval: (region: string, runnerId: string, seq: number) =>
      `${p}/intervals/${region}/${runnerId}/${String(seq).padStart(6, '0')}.json`,
    /** Start claims: one per (runner, window), created once with a conditional write
     * before k6 starts, so a retried dispatch never starts a second k6 for it. */
    claimsPrefix: `${p}/claims/`,
    claim: (runnerId: string, window: number) =>
      `${p}/claims/${runnerId}/${String(window).padStart(4, '0')}.json`,
    /** Relay windows' own results (plan.relay); the last window also writes result(). */
    windowResult: (runnerId: string, window: number) =>
      `${p}/windows/${runnerId}/${String(window).padStart(4, '0')}.json`,
    resultsPrefix: `${p}/results/`,
    result: (runnerId: string) => `${p}/results/${runnerId}.json`,
    teardownDone: `${p}/teardown.json`,
    status: `${p}/status.json`,
    watchState: `${p}/watch-state.json`,
    /** One RollupPoint per emitted window, written by the watcher. */
    timelinePrefix: `${p}/timeline/`,
    timelinePoint: (index: number) => `${p}/timeline/${String(index).padStart(6, '0')}.json`,
    /** One ServerWindow per window the controller read server metrics in. */
    serverPrefix: `${p}/server/`,
    serverWindow: (index: number) => `${p}/server/${String(index).padStart(6, '0')}.json`,
    summary: `${p}/summary.json`,
    report: `${p}/report.html`,
  };
};
export type RunKeys = ReturnType<typeof runKeys>;

/** history/<testName>/<runId>.json: one line of history per finished run. */
export const historyKey = (testName: string, runId: string) =>
  `history/${encodeURIComponent(testName)}/${runId}.json`;

/** Everything under it outlives run data (the bucket's history lifecycle rule). */
export const HISTORY_PREFIX = 'history/';

/**
 * The rest of the history layout. Names with '@' cannot clash with a test (encodeURIComponent
 * escapes '@') or a run id (RUN_ID_PATTERN has none).
 */
export const historyKeys = (testName: string) => {
  const p = `${HISTORY_PREFIX}${encodeURIComponent(testName)}`;
  return {
    /** Records and the index of one test. */
    prefix: `${p}/`,
    /** One small entry per run, sorted by start time: listing reads these, not the records. */
    indexPrefix: `${p}/@index/`,
    indexEntry: (at: number, runId: string) =>
      `${p}/@index/${String(Math.max(0, at)).padStart(15, '0')}-${runId}.json`,
    /** The run marked as this test's baseline (`k6-fleet baseline <runId>`). */
    baseline: `${p}/@baseline.json`,
  };
};

/** history/@runs/<runId>.json → { testName }: finds a run's history after its run data expired. */
export const historyRunPointerKey = (runId: string) => `${HISTORY_PREFIX}@runs/${runId}.json`;

/**
 * Tag put on interval records so a lifecycle rule can expire them sooner than the rest
 * of a run: S3 lifecycle filters match literal prefixes only, and intervals sit under
 * runs/<runId>/intervals/ (the infrastructure imports this constant).
 */
export const INTERVAL_OBJECT_TAG = { key: 'k6fleet-kind', value: 'interval' } as const;
