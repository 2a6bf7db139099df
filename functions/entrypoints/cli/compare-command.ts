import { writeFile } from 'node:fs/promises';
import {
  HistoryLookupError,
  loadHistoryRecord,
  resolveBaselineRef,
} from '../../adapters/store/history-store';
import type { RunStore } from '../../adapters/store/run-store';
import { ExitCode } from '../../contracts';
import type { HistoryRecord, HistoryRecordV2 } from '../../contracts/history-record';
import { type Comparison, compareRuns, incomparableReason } from '../../core/compare/compare-runs';
import { comparisonText } from '../../core/compare/comparison-text';
import type { CommandIo } from './history-command';
import { historyCommandError } from './history-command-error';
import { type HistoryStoreFlags, historyStoreFromFlags } from './history-store-from-flags';

export interface CompareFlags extends HistoryStoreFlags {
  /** Write `{ verdict, metrics: [...] }` here. */
  json?: string;
  /** Compare runs of different tests. */
  force?: boolean;
  /** Print every row, not only those that are not a pass. */
  all?: boolean;
}

function requireV2(r: HistoryRecord): HistoryRecordV2 {
  if (r.v === 2) return r;
  throw new HistoryLookupError(
    `run ${r.runId} has a version 1 history record (headline numbers only: no histograms or per-window values, written before 2026-12); compare needs version 2 — compare newer runs, or list it with k6-fleet history ${r.testName}`,
  );
}

/** Loads both records and compares them; HistoryLookupError when they cannot be compared. */
export async function compareStoredRuns(
  store: RunStore,
  baselineRef: string,
  runId: string,
  force = false,
): Promise<Comparison> {
  const current = requireV2(await loadHistoryRecord(store, runId));
  const baselineId = await resolveBaselineRef(store, current.testName, baselineRef, runId);
  const baseline = requireV2(await loadHistoryRecord(store, baselineId));
  const why = incomparableReason(baseline, current, force);
  if (why) throw new HistoryLookupError(why);
  return compareRuns(baseline, current);
}

/**
 * `k6-fleet compare <baseline> <runId>`: exit 0 without a regression (pass or marginal),
 * 99 with one (fail), 104 when a run is unknown or the two cannot be compared.
 */
export async function compareCommand(
  baselineRef: string,
  runId: string,
  flags: CompareFlags,
  io: CommandIo = {},
): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const log = (line: string) => (io.stderr ?? process.stderr).write(`${line}\n`);
  let close = () => {};
  try {
    const opened = await historyStoreFromFlags(flags);
    close = opened.close;
    const c = await compareStoredRuns(opened.store, baselineRef, runId, flags.force);
    out.write(comparisonText(c, { all: flags.all }));
    if (flags.json) await writeFile(flags.json, `${JSON.stringify(c, null, 2)}\n`);
    return c.verdict === 'fail' ? ExitCode.thresholdsFailed : ExitCode.ok;
  } catch (e) {
    return historyCommandError(e, log);
  } finally {
    close();
  }
}
