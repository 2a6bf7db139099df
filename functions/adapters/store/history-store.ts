import {
  HISTORY_PREFIX,
  type HistoryIndexEntry,
  HistoryIndexEntrySchema,
  type HistoryRecord,
  HistoryRecordSchema,
  type HistoryRecordV2,
  historyKey,
  historyKeys,
  historyRunPointerKey,
  RunStatusSchema,
  runKeys,
} from '../../contracts';
import { entryOfRecord, indexEntryOf } from '../../core/history/build-history-record';
import { mapLimited } from './map-limited';
import { getJson, putJson, type RunStore } from './run-store';

/** A run id or test the history cannot answer for; the CLI prints the message and exits 104. */
export class HistoryLookupError extends Error {}

/** Writes a finished run's record, its index entry and its run-id pointer. */
export async function writeHistory(store: RunStore, record: HistoryRecordV2): Promise<void> {
  const keys = historyKeys(record.testName);
  await putJson(store, historyKey(record.testName, record.runId), record);
  await putJson(store, keys.indexEntry(record.startAt ?? record.endAt, record.runId), indexEntryOf(record));
  await putJson(store, historyRunPointerKey(record.runId), { testName: record.testName });
}

export interface HistoryPage {
  /** Oldest first. */
  entries: HistoryIndexEntry[];
  /** Runs of the test in all (the page may hold fewer). */
  total: number;
}

const runIdOfIndexKey = (key: string) =>
  (key.split('/').pop() ?? '').replace(/^\d+-/, '').replace(/\.json$/, '');

/**
 * One page of a test's history from its index, oldest first: the `last` newest runs (all
 * when absent), skipping the `skip` newest before them. One listing of the test's keys; reads
 * only the page's small index entries — and the records older writers left without one (v1).
 */
export async function listHistory(
  store: RunStore,
  testName: string,
  opts: { last?: number; skip?: number } = {},
): Promise<HistoryPage> {
  const keys = historyKeys(testName);
  const listed = await store.list(keys.prefix);
  const indexKeys = listed.filter((k) => k.startsWith(keys.indexPrefix));
  const indexed = new Set(indexKeys.map(runIdOfIndexKey));
  const legacy = listed.filter(
    (k) =>
      !k.startsWith(keys.indexPrefix) && !k.endsWith('@baseline.json') && !indexed.has(runIdOfIndexKey(k)),
  );
  const legacyEntries = (
    await mapLimited(legacy, (k) =>
      getJson(store, k, (v) => HistoryRecordSchema.parse(v)).catch(() => undefined),
    )
  )
    .filter((r): r is HistoryRecord => r !== undefined)
    .map(entryOfRecord);
  // Index keys sort by start time; legacy entries are merged in by theirs.
  const all: Array<{ at: number; key?: string; entry?: HistoryIndexEntry }> = [
    ...indexKeys.map((key) => ({ at: Number((key.split('/').pop() ?? '').split('-')[0]), key })),
    ...legacyEntries.map((entry) => ({ at: entry.startAt ?? entry.endAt, entry })),
  ].sort((a, b) => a.at - b.at);
  const end = all.length - (opts.skip ?? 0);
  const page = all.slice(opts.last !== undefined ? Math.max(0, end - opts.last) : 0, Math.max(0, end));
  const entries = await mapLimited(
    page,
    async (p) => p.entry ?? (await getJson(store, p.key as string, (v) => HistoryIndexEntrySchema.parse(v))),
  );
  return { entries: entries.filter((e): e is HistoryIndexEntry => e !== undefined), total: all.length };
}

/**
 * The test a run belongs to: its history pointer; else its summary (runs of the last
 * retention period); else — records written before pointers existed — a scan of history/.
 */
async function testNameOf(store: RunStore, runId: string): Promise<string | undefined> {
  const ptr = await getJson(store, historyRunPointerKey(runId), (v) => v as { testName?: unknown });
  if (typeof ptr?.testName === 'string') return ptr.testName;
  const summary = await getJson(store, runKeys(runId).summary, (v) => v as { testName?: unknown }).catch(
    () => undefined,
  );
  if (typeof summary?.testName === 'string') return summary.testName;
  const hit = (await store.list(HISTORY_PREFIX)).find(
    (k) => k.endsWith(`/${runId}.json`) && !k.includes('/@'),
  );
  return hit ? decodeURIComponent(hit.slice(HISTORY_PREFIX.length).split('/')[0] as string) : undefined;
}

/** Why a run has no history record: still running, never finished, or unknown. */
async function missingReason(store: RunStore, runId: string): Promise<string> {
  const status = await getJson(store, runKeys(runId).status, (v) => RunStatusSchema.parse(v)).catch(
    () => undefined,
  );
  if (status && status.phase !== 'finished')
    return `run ${runId} is still ${status.phase} (${store.describe(runKeys(runId).status)}): compare it once it has finished`;
  if (status || (await store.get(runKeys(runId).plan)) !== undefined)
    return `run ${runId} has no history record: it did not finish (no ${store.describe(runKeys(runId).summary)})`;
  return `unknown run id ${runId}: nothing in ${store.describe(historyRunPointerKey(runId))} or ${store.describe(runKeys(runId).prefix)}`;
}

/** A run's history record, any version; throws HistoryLookupError saying why there is none. */
export async function loadHistoryRecord(store: RunStore, runId: string): Promise<HistoryRecord> {
  const testName = await testNameOf(store, runId);
  const key = testName === undefined ? undefined : historyKey(testName, runId);
  const record = key ? await getJson(store, key, (v) => v) : undefined;
  if (record === undefined) throw new HistoryLookupError(await missingReason(store, runId));
  const parsed = HistoryRecordSchema.safeParse(record);
  if (!parsed.success) {
    const v = (record as { v?: unknown }).v;
    throw new HistoryLookupError(
      `history record ${store.describe(key as string)} is version ${String(v ?? 1)}, which this k6-fleet cannot read` +
        ` (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'})`,
    );
  }
  return parsed.data;
}

/** Marks a run as its test's baseline; returns the test name. */
export async function markBaseline(store: RunStore, runId: string, now = Date.now()): Promise<string> {
  const record = await loadHistoryRecord(store, runId);
  await putJson(store, historyKeys(record.testName).baseline, { runId, markedAt: now });
  return record.testName;
}

/** The run marked as a test's baseline, if any. */
export async function baselineOf(store: RunStore, testName: string): Promise<string | undefined> {
  const b = await getJson(store, historyKeys(testName).baseline, (v) => v as { runId?: unknown });
  return typeof b?.runId === 'string' ? b.runId : undefined;
}

/** What `--baseline` accepts besides a run id. */
export const BASELINE_REFS = ['baseline', 'previous', 'previous-passed'] as const;

/**
 * The run id a baseline reference names for a run of `testName`: a run id as given;
 * `baseline` the marked baseline; `previous` the newest other run; `previous-passed` the
 * newest other run that passed. Throws HistoryLookupError when there is none.
 */
export async function resolveBaselineRef(
  store: RunStore,
  testName: string,
  ref: string,
  currentRunId?: string,
): Promise<string> {
  if (ref === 'baseline') {
    const id = await baselineOf(store, testName);
    if (!id)
      throw new HistoryLookupError(
        `test "${testName}" has no baseline: mark one with k6-fleet baseline <runId>`,
      );
    return id;
  }
  if (ref === 'previous' || ref === 'previous-passed') {
    const { entries } = await listHistory(store, testName);
    const found = entries
      .filter((e) => e.runId !== currentRunId && (ref === 'previous' || e.verdict === 'passed'))
      .at(-1);
    if (!found)
      throw new HistoryLookupError(
        `test "${testName}" has no ${ref === 'previous' ? 'earlier' : 'earlier passed'} run`,
      );
    return found.runId;
  }
  return ref;
}
