import {
  HistoryLookupError,
  listHistory,
  loadHistoryRecord,
  resolveBaselineRef,
} from '../../adapters/store/history-store';
import type { RunStore } from '../../adapters/store/run-store';
import { type ComparisonData, ExitCode, type Plan, type RunInput, type Summary } from '../../contracts';
import type { HistoryRecord, HistoryRecordV2 } from '../../contracts/history-record';
import { compareRuns, incomparableReason } from '../../core/compare/compare-runs';
import { indexEntryOf } from '../../core/history/build-history-record';
import { InvalidInputError } from '../../core/planner/plan-errors';
import type { ReportHistory } from '../../core/report/report-history';

/** The record a comparison needs: version 2 (histograms, per-window values), else why not. */
export function requireV2(r: HistoryRecord): HistoryRecordV2 {
  if (r.v === 2) return r;
  throw new HistoryLookupError(
    `run ${r.runId} has a version 1 history record (headline numbers only: no histograms or per-window values, written before 2026-12); compare needs version 2 — compare newer runs, or list it with k6-fleet history ${r.testName}`,
  );
}

/**
 * The baseline record a run of `testName` is compared with, from a run id or `baseline` /
 * `previous` / `previous-passed`. Throws HistoryLookupError saying what to fix: unknown or
 * unfinished run, no such earlier run, an old record version, another test (unless forced).
 */
export async function loadBaselineRecord(
  store: RunStore,
  ref: string,
  testName: string,
  opts: { currentRunId?: string; force?: boolean } = {},
): Promise<HistoryRecordV2> {
  const id = await resolveBaselineRef(store, testName, ref, opts.currentRunId);
  const baseline = requireV2(await loadHistoryRecord(store, id));
  if (baseline.testName !== testName && !opts.force)
    throw new HistoryLookupError(
      `baseline run ${id} is test "${baseline.testName}", this run is test "${testName}": compare runs of the same test`,
    );
  return baseline;
}

/** Loads both records and compares them; HistoryLookupError when they cannot be compared. */
export async function compareStoredRuns(
  store: RunStore,
  baselineRef: string,
  runId: string,
  force = false,
): Promise<ComparisonData> {
  const current = requireV2(await loadHistoryRecord(store, runId));
  const baseline = await loadBaselineRecord(store, baselineRef, current.testName, {
    currentRunId: runId,
    force: true,
  });
  const why = incomparableReason(baseline, current, force);
  if (why) throw new HistoryLookupError(why);
  return compareRuns(baseline, current);
}

/**
 * The planner's check of --baseline, before any load: the named run resolved to a run id
 * whose record a comparison can read. What is wrong is an InvalidInputError (exit 104).
 */
export async function plannedBaseline(
  store: RunStore,
  input: Pick<RunInput, 'baseline' | 'failOnRegression'>,
  testName: string,
): Promise<Plan['baseline']> {
  if (input.baseline === undefined) {
    if (input.failOnRegression)
      throw new InvalidInputError('--fail-on-regression needs --baseline: say which run to compare with');
    return undefined;
  }
  try {
    const record = await loadBaselineRecord(store, input.baseline, testName);
    return { ref: input.baseline, runId: record.runId, failOnRegression: input.failOnRegression ?? false };
  } catch (e) {
    if (e instanceof HistoryLookupError)
      throw new InvalidInputError(`--baseline ${input.baseline}: ${e.message}`);
    throw e;
  }
}

/** A finished run against the baseline its plan names (Finalize), or why it could not be. */
export async function compareWithPlannedBaseline(
  store: RunStore,
  plan: Plan,
  current: HistoryRecordV2,
): Promise<{ comparison: ComparisonData; baseline: HistoryRecordV2 } | { error: string } | undefined> {
  if (!plan.baseline) return undefined;
  try {
    const baseline = requireV2(await loadHistoryRecord(store, plan.baseline.runId));
    const why = incomparableReason(baseline, current, true);
    if (why) return { error: why };
    const comparison: ComparisonData = {
      ...compareRuns(baseline, current),
      ref: plan.baseline.ref,
      failOnRegression: plan.baseline.failOnRegression,
    };
    return { comparison, baseline };
  } catch (e) {
    // The baseline was there at planning: a record deleted since is said, not fatal.
    if (e instanceof HistoryLookupError) return { error: e.message };
    throw e;
  }
}

/**
 * Finalize's comparison step: summary.json `fleet.comparison` (or `comparisonError`), and
 * with --fail-on-regression a fail verdict turns an exit code 0 into 99, in the summary and
 * in the history record alike. Returns the baseline record for the report's overlay.
 */
export async function addComparison(
  store: RunStore,
  plan: Plan,
  summary: Summary,
  record: HistoryRecordV2,
): Promise<HistoryRecordV2 | undefined> {
  const res = await compareWithPlannedBaseline(store, plan, record);
  if (!res) return undefined;
  if ('error' in res) {
    summary.fleet.comparisonError = res.error;
    return undefined;
  }
  summary.fleet.comparison = res.comparison;
  if (res.comparison.failOnRegression && res.comparison.verdict === 'fail' && summary.fleet.exitCode === 0) {
    summary.fleet.exitCode = ExitCode.thresholdsFailed;
    record.exitCode = ExitCode.thresholdsFailed;
  }
  return res.baseline;
}

/** How many earlier runs the report's History section shows (one index page). */
export const REPORT_HISTORY_RUNS = 99;

/** The report's History: the test's latest index entries and this run's, not yet written. */
export async function reportHistory(store: RunStore, record: HistoryRecordV2): Promise<ReportHistory> {
  const page = await listHistory(store, record.testName, { last: REPORT_HISTORY_RUNS });
  const earlier = page.entries.filter((e) => e.runId !== record.runId);
  const again = earlier.length < page.entries.length; // a late finalize run twice
  return { entries: [...earlier, indexEntryOf(record)], total: page.total + (again ? 0 : 1) };
}
