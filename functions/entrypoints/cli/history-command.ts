import { writeFile } from 'node:fs/promises';
import { listHistory } from '../../adapters/store/history-store';
import { ExitCode } from '../../contracts';
import { historyText } from '../../core/history/history-text';
import { type HistoryView, historyChangePoints } from '../../core/history/history-view';
import { historyCommandError } from './history-command-error';
import { type HistoryStoreFlags, historyStoreFromFlags } from './history-store-from-flags';

export interface HistoryFlags extends HistoryStoreFlags {
  /** Only the newest N runs. @default all */
  last?: number;
  /** Skip the newest N runs first (the next page back). @default 0 */
  skip?: number;
  /** Write `{ testName, runs, changePoints }` here. */
  json?: string;
  /** A line per region under each run. */
  regions?: boolean;
}

export interface CommandIo {
  stdout?: { write(s: string): unknown };
  stderr?: { write(s: string): unknown };
}

/** `k6-fleet history <testName>`: the test's runs from the history index, change points marked. */
export async function historyCommand(
  testName: string,
  flags: HistoryFlags,
  io: CommandIo = {},
): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const log = (line: string) => (io.stderr ?? process.stderr).write(`${line}\n`);
  let close = () => {};
  try {
    const opened = await historyStoreFromFlags(flags);
    close = opened.close;
    const page = await listHistory(opened.store, testName, { last: flags.last, skip: flags.skip });
    if (page.total === 0) {
      log(`k6-fleet: no history for test "${testName}" in ${opened.store.describe('history/')}`);
      return ExitCode.invalidConfig;
    }
    const view: HistoryView = {
      testName,
      runs: page.entries,
      changePoints: historyChangePoints(page.entries),
    };
    out.write(historyText(view, { regions: flags.regions, total: page.total }));
    if (flags.json)
      await writeFile(flags.json, `${JSON.stringify({ ...view, total: page.total }, null, 2)}\n`);
    return ExitCode.ok;
  } catch (e) {
    return historyCommandError(e, log);
  } finally {
    close();
  }
}
