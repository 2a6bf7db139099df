import { writeFile } from 'node:fs/promises';
import { ExitCode } from '../../contracts';
import { comparisonText } from '../../core/compare/comparison-text';
import { compareStoredRuns } from '../../engine/finalizer/compare-with-baseline';
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
