import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { listHistory, writeHistory } from '../functions/adapters/store/history-store';
import { LocalRunStore } from '../functions/adapters/store/local-run-store';
import type { RunStore } from '../functions/adapters/store/run-store';
import { historyKey } from '../functions/contracts';
import { type HistoryRecordV2, HistoryRecordV2Schema } from '../functions/contracts/history-record';
import { historyChangePoints } from '../functions/core/history/history-view';
import { seededRandom as rng } from '../target/random';
import { runBenchFleet, THREE_REGIONS } from './lib/local-fleet';
import { startTargetProcess } from './lib/target-process';

/**
 * History record size and listing cost (issue 9).
 * 1. A real 12 s three-region run at the default 2 s interval; its record's timeline is then
 *    extended to 1,800 windows (a 1-hour run) by drawing each window from the real ones with
 *    ±5% noise at the record's 5 significant digits, so gzip sees realistic entropy. The
 *    whole-run histograms are kept: their size grows with the value range, not the duration.
 * 2. 1,000 records of the test written through writeHistory (record + index entry), then
 *    `history --last 20`: wall time and store reads of listHistory plus the change points.
 */
const SECONDS = 3600;
const INTERVAL_MS = 2000;
const RUNS = 1000;

const script = `import http from 'k6/http';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 9, duration: '12s' } },
  thresholds: { 'http_req_duration{expected_response:true}': ['p(95)<2000'] } };
export default function () { http.get(__ENV.TARGET + '/api/x'); }`;

function oneHour(r: HistoryRecordV2): HistoryRecordV2 {
  const n = SECONDS / (INTERVAL_MS / 1000);
  const rand = rng(42);
  const series: Record<string, Array<number | null>> = {};
  for (const [key, values] of Object.entries(r.timeline.series)) {
    const real = values.filter((v): v is number => v !== null);
    series[key] = Array.from({ length: n }, () => {
      if (!real.length) return null;
      const v = real[Math.floor(rand() * real.length)] as number;
      return v === 0 ? 0 : Number((v * (0.95 + 0.1 * rand())).toPrecision(5));
    });
  }
  const elapsedMs = Array.from({ length: n }, (_, i) => (i + 1) * INTERVAL_MS);
  return {
    ...r,
    durationMs: SECONDS * 1000,
    endAt: (r.startAt ?? 0) + SECONDS * 1000,
    timeline: { elapsedMs, series },
  };
}

/** A store that counts what it is asked. */
function counting(store: RunStore) {
  const n = { get: 0, list: 0 };
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (prop === 'get') n.get++;
        if (prop === 'list') n.list++;
        return v.apply(target, args);
      };
    },
  });
  return { store: wrapped as RunStore, n };
}

async function main() {
  const target = await startTargetProcess({
    routes: { '/api/*': { latency: { kind: 'normal', meanMs: 40, sdMs: 8 }, errorRate: 0.01 } },
  });
  const dir = await mkdtemp(join(tmpdir(), 'k6-fleet-history-bench-'));
  try {
    const run = await runBenchFleet({
      testName: 'sizing',
      script: script.replace('__ENV.TARGET', JSON.stringify(target.url)),
      regions: THREE_REGIONS,
      runnersPerRegion: 1,
    });
    const raw = await readFile(join(run.storeRoot, historyKey('sizing', run.plan.runId)), 'utf8');
    await run.dispose();
    const real = HistoryRecordV2Schema.parse(JSON.parse(raw));
    const hour = oneHour(real);
    const json = JSON.stringify(hour);
    const bytes = (s: string) => Buffer.byteLength(s);
    console.log(
      `## History record size (3 regions, ${Object.keys(hour.metrics).length} metrics, ${Object.keys(hour.timeline.series).length} per-window series)`,
    );
    console.log('| record | windows | raw bytes | gzipped bytes |');
    console.log('|---|---|---|---|');
    console.log(
      `| real run (${real.durationMs / 1000} s) | ${real.timeline.elapsedMs.length} | ${bytes(raw)} | ${gzipSync(raw).length} |`,
    );
    console.log(
      `| 1-hour run (3600 s at 2 s) | ${hour.timeline.elapsedMs.length} | ${bytes(json)} | ${gzipSync(json).length} |`,
    );
    const timelineOnly = JSON.stringify(hour.timeline);
    console.log(`| of which the timeline | | ${bytes(timelineOnly)} | ${gzipSync(timelineOnly).length} |`);

    const store = new LocalRunStore(join(dir, 'store'));
    const t0 = performance.now();
    for (let i = 0; i < RUNS; i++) {
      const runId = `20250101T000000-${i.toString(16).padStart(6, '0')}`;
      await writeHistory(store, { ...real, runId, startAt: 1_735_689_600_000 + i * 86_400_000 });
    }
    const writeMs = performance.now() - t0;
    const c = counting(store);
    const t1 = performance.now();
    const page = await listHistory(c.store, 'sizing', { last: 20 });
    const cps = historyChangePoints(page.entries);
    const listMs = performance.now() - t1;
    console.log(`\n## history --last 20 over ${RUNS} records (local folder)`);
    console.log(
      `| writes of ${RUNS} records | listing --last 20 | store lists | store reads | runs listed | change points |`,
    );
    console.log('|---|---|---|---|---|---|');
    console.log(
      `| ${(writeMs / 1000).toFixed(1)} s | ${listMs.toFixed(0)} ms | ${c.n.list} | ${c.n.get} | ${page.entries.length} of ${page.total} | ${cps.length} |`,
    );
  } finally {
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
