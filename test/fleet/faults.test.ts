import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunnerResult, RunStatus } from '../../functions/contracts';
import { startTargetServer, type TargetServer } from '../../target/server';
import { startCli } from '../support/cli';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { processesMatching } from '../support/processes';

let target: TargetServer;
let run: FleetRun | undefined;
let dir: string;
beforeAll(async () => {
  target = await startTargetServer({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'k6-fleet-faults-'));
});
afterAll(async () => {
  await target.close();
  await cleanup(run);
  await rm(dir, { recursive: true, force: true });
});

const longTest = `
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 24, duration: '60s' } } };
export default function () { http.get(__ENV.TARGET + '/api/f'); sleep(0.1); }
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('faults end in a recorded, explained state', () => {
  it('a runner killed mid-run fails the run, naming that runner', async () => {
    // Prepare / Act: kill runner #4 (SIGKILL, no chance to report) 3 s into the test.
    let killedAt: number | undefined;
    run = await runFleet({
      script: longTest,
      env: { TARGET: target.url },
      onStatus: (s) => {
        if (killedAt === undefined && s.startAt !== undefined && Date.now() > s.startAt + 3000) {
          killedAt = Date.now();
          run?.runners[3]?.child.kill('SIGKILL');
        }
      },
      onRunners: (r) => {
        run = { runners: r } as FleetRun;
      },
    });
    // Assess
    const victim = run.plan.runners[3]!.runnerId;
    const f = run.summary.fleet;
    expect(f.verdict).toBe('failed');
    expect(f.exitCode).toBe(255);
    expect(f.abort?.source).toBe('runner-failure');
    expect(f.abort?.reason).toContain(victim);
    expect(f.runners.find((r) => r.runnerId === victim)?.outcome).toBe('failed');
    expect(f.runners.filter((r) => r.runnerId !== victim).every((r) => r.outcome === 'aborted')).toBe(true);
    expect((target.stats().lastRequestAt ?? 0) - killedAt!).toBeLessThan(10_000);
    expect(processesMatching(run.storeRoot)).toEqual([]);
  });

  it('when the orchestrator is killed, every runner stops itself within the heartbeat timeout', async () => {
    // Prepare
    const script = join(dir, 'long.js');
    await writeFile(script, longTest);
    const outDir = join(dir, 'store');
    const cli = startCli([
      'run',
      script,
      '-e',
      `TARGET=${target.url}`,
      '--out-dir',
      outDir,
      '-q',
      '--heartbeat-timeout',
      '5',
      '--region',
      'a=50',
      '--region',
      'b=50',
      '--runners-per-region',
      '2',
    ]);
    // Wait until the fleet is running.
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
    await sleep(1500);
    // Act: the orchestrator dies without a chance to clean up.
    const killedAt = Date.now();
    cli.child.kill('SIGKILL');
    await cli.done;
    // Assess: within the 5 s heartbeat timeout (+ k6's stop), no k6 is left and load has stopped.
    let left = processesMatching(outDir);
    for (let i = 0; i < 40 && left.length > 0; i++) {
      await sleep(500);
      left = processesMatching(outDir);
    }
    expect(left).toEqual([]);
    const stoppedAfter = (target.stats().lastRequestAt ?? 0) - killedAt;
    expect(stoppedAfter).toBeLessThan(5_000 + 5_000);
    const resultsDir = join(outDir, 'runs', status!.runId, 'results');
    // Each runner process writes its result just after its k6 is gone: give them a moment.
    for (let i = 0; i < 40 && (await readdir(resultsDir).catch(() => [])).length < 4; i++) await sleep(250);
    const results: RunnerResult[] = await Promise.all(
      (await readdir(resultsDir)).map(async (f) => JSON.parse(await readFile(join(resultsDir, f), 'utf8'))),
    );
    expect(results).toHaveLength(4);
    expect(
      results.every((r) => r.outcome === 'self-stopped' && /controller silent/.test(r.reason ?? '')),
    ).toBe(true);
  });
});
