import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTargetServer, type TargetServer } from '../../target/server';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { K6_PATH } from '../support/k6-path';

let target: TargetServer;
let run: FleetRun | undefined;
beforeAll(async () => {
  target = await startTargetServer({ port: 0 });
});
afterAll(async () => {
  await target.close();
  await cleanup(run);
});

const script = `
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '30s' } } };
export default function () { http.get(__ENV.TARGET + '/api/c'); sleep(0.1); }
`;

/** The k6 a local runner started: the child whose command line is `k6 run …`
 * (tsx's esbuild service is a child too). */
function k6PidOf(runnerPid: number): number | undefined {
  let children: number[];
  try {
    children = execFileSync('pgrep', ['-P', String(runnerPid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return undefined; // pgrep exits 1 when there are none
  }
  return children.find((pid) => {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv[0] === K6_PATH && argv[1] === 'run';
  });
}

describe('a k6 killed by SIGKILL', () => {
  it('is a crash: fleet exit 255, the reason names the signal and the peak memory', async () => {
    // Prepare / Act: 2 s into the test, SIGKILL the k6 (not the runner) of one runner,
    // as the out-of-memory killer would.
    let killed: number | undefined;
    run = await runFleet({
      script,
      env: { TARGET: target.url },
      regions: [
        { name: 'a', weight: 50 },
        { name: 'b', weight: 50 },
      ],
      runnersPerRegion: 1,
      onStatus: (s) => {
        if (killed !== undefined || s.startAt === undefined || Date.now() < s.startAt + 2000) return;
        const pid = run?.runners[0]?.pid;
        const k6 = pid ? k6PidOf(pid) : undefined;
        if (!k6) return;
        killed = k6;
        process.kill(k6, 'SIGKILL');
      },
      onRunners: (r) => {
        run = { runners: r } as FleetRun;
      },
    });
    // Assess
    expect(killed).toBeDefined();
    const f = run.summary.fleet;
    const victim = run.plan.runners[0]!.runnerId;
    const crashed = f.runners.find((r) => r.runnerId === victim);
    expect(crashed?.outcome).toBe('failed');
    expect(crashed?.k6ExitCode).toBe(255);
    expect(crashed?.reason).toMatch(/killed by SIGKILL/);
    expect(crashed?.reason).toMatch(
      /runner peak memory [1-9]\d* MiB \(k6 [1-9]\d* MiB, runner process [1-9]\d* MiB\)/,
    );
    expect(f.verdict).toBe('failed');
    expect(f.exitCode).toBe(255);
    expect(f.abort?.reason ?? '').toContain(victim);
    expect(f.abort?.reason ?? '').toMatch(/SIGKILL/);
  });
});
