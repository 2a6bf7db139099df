import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRunStore } from '../../functions/adapters/store/local-run-store';
import { HistoryRecordV2Schema, type RunStatus, runKeys, SummarySchema } from '../../functions/contracts';
import { runCli, startCli } from '../support/cli';
import { processesMatching } from '../support/processes';
import { useTarget } from '../support/target';

const target = useTarget();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k6-fleet-finalize-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const longTest = `
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 4, duration: '40s' } } };
export default function () { http.get(__ENV.TARGET + '/api/late'); sleep(0.05); }
`;

/** Sum of one counter over every interval record the runners wrote. */
async function intervalTotal(store: LocalRunStore, runId: string, metric: string): Promise<number> {
  let total = 0;
  for (const key of await store.list(runKeys(runId).intervalsPrefix)) {
    const rec = JSON.parse((await store.get(key)) ?? '{}') as {
      series: { metric: string; type: string; value?: number }[];
    };
    for (const s of rec.series) if (s.metric === metric && s.type === 'counter') total += s.value ?? 0;
  }
  return total;
}

describe('k6-fleet finalize', () => {
  it('finalizes a run whose controller was killed: summary totals equal the intervals', async () => {
    // Prepare: a local run whose orchestrator (the controller) is SIGKILLed mid-run.
    const script = join(dir, 'long.js');
    await writeFile(script, longTest);
    const outDir = join(dir, 'store');
    const cli = startCli([
      'run',
      script,
      '-e',
      `TARGET=${target().url}`,
      '--out-dir',
      outDir,
      '-q',
      '--heartbeat-timeout',
      '5',
      '--interval',
      '1',
      '--region',
      'a=50',
      '--region',
      'b=50',
      '--runners-per-region',
      '1',
    ]);
    let status: RunStatus | undefined;
    for (let i = 0; i < 120 && status?.phase !== 'running'; i++) {
      await sleep(500);
      const runs = await readdir(join(outDir, 'runs')).catch(() => []);
      if (runs[0])
        status = JSON.parse(
          await readFile(join(outDir, 'runs', runs[0], 'status.json'), 'utf8').catch(() => '{}'),
        );
    }
    expect(status?.phase).toBe('running');
    await sleep(2500);
    cli.child.kill('SIGKILL');
    await cli.done;
    const runId = status!.runId;
    const store = new LocalRunStore(outDir);
    // Too early: the runners are still running until the heartbeat times out.
    const early = await runCli(['finalize', runId, '--out-dir', outDir, '-q']);
    // The runners stop themselves (heartbeat timeout 5 s) and write their results.
    for (let i = 0; i < 60 && (await store.list(runKeys(runId).resultsPrefix)).length < 2; i++)
      await sleep(500);
    expect(processesMatching(outDir)).toEqual([]);
    expect(await store.get(runKeys(runId).summary)).toBeUndefined();
    // Act: finalize late (after the runners' self-stop margin).
    await sleep(10_000);
    const res = await runCli(['finalize', runId, '--out-dir', outDir]);
    const again = await runCli(['finalize', runId, '--out-dir', outDir, '-q']);
    // Assess
    expect(early.code).toBe(104);
    expect(early.stderr).toMatch(/may still be running: .*Try again in \d+ s/);
    const summary = SummarySchema.parse(JSON.parse((await store.get(runKeys(runId).summary)) ?? 'null'));
    const requests = await intervalTotal(store, runId, 'http_reqs');
    expect(requests).toBeGreaterThan(0);
    expect(summary.metrics.http_reqs?.values.count).toBe(requests);
    expect(summary.metrics.iterations?.values.count).toBe(await intervalTotal(store, runId, 'iterations'));
    expect(summary.fleet.finalizedLate?.reason).toMatch(
      /the controller stopped at .* \(last status: running\); finalized from the runners' intervals and results/,
    );
    // The test was cut short by the dead controller: a failed run that says why.
    expect(summary.fleet.verdict).toBe('failed');
    expect(summary.fleet.exitCode).toBe(255);
    expect(summary.fleet.abort?.reason).toMatch(/the controller died; runner .* controller silent/);
    expect(res.code).toBe(255);
    expect(res.stderr).toMatch(new RegExp(`run ${runId} finalized late`));
    expect(res.stdout).toMatch(/http_reqs/);
    const history = HistoryRecordV2Schema.parse(
      JSON.parse(
        (await store.get(`history/${encodeURIComponent(summary.testName)}/${runId}.json`)) ?? 'null',
      ),
    );
    expect(history.finalizedLate).toBe(summary.fleet.finalizedLate?.reason);
    expect(history.headline.requests).toBe(requests);
    expect(await store.get(runKeys(runId).report)).toMatch(/Finalized late/);
    // Every run carries a price: data out is what k6 sent.
    const dataOut = summary.fleet.cost?.items.find((i) => i.item === 'Data out to the target');
    expect(dataOut?.quantity).toBeCloseTo((summary.metrics.data_sent?.values.count ?? 0) / 1e9, 12);
    expect(summary.fleet.cost?.totalUsd).toBeGreaterThan(0);
    expect(await store.get(runKeys(runId).report)).toMatch(/Estimated AWS cost/);
    expect(again.code).toBe(104);
    expect(again.stderr).toMatch(/already finalized/);
  }, 120_000);

  it('refuses an unknown run and --out-dir with --stack', async () => {
    const unknown = await runCli(['finalize', 'no-such-run', '--out-dir', join(dir, 'empty')]);
    expect(unknown.code).toBe(104);
    expect(unknown.stderr).toMatch(/unknown run "no-such-run"/);
    const both = await runCli(['finalize', 'x-1', '--out-dir', dir, '--stack', 'k6-fleet-control']);
    expect(both.code).toBe(104);
    expect(both.stderr).toMatch(/either --out-dir .* or --stack/);
  });
});
