import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSink } from '../../functions/adapters/sinks/create-sink';
import { runKeys } from '../../functions/contracts';
import { startTargetServer, type TargetServer } from '../../target/server';
import { runCli } from '../support/cli';
import { cleanup, type FleetRun, runFleet } from '../support/fleet';
import { type PrometheusServer, scalarOf, startPrometheus } from '../support/prometheus';

let target: TargetServer;
let prom: PrometheusServer;
let run: FleetRun | undefined;
beforeAll(async () => {
  target = await startTargetServer({ port: 0 });
  prom = await startPrometheus();
});
afterAll(async () => {
  await target.close();
  await prom.stop();
  await cleanup(run);
});

const SCRIPT = `
import http from 'k6/http';
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 4, duration: '6s' } } };
export default function () { http.get(__ENV.TARGET + '/api/db'); sleep(0.02); }
`;

describe('Prometheus down for the second half of a run (2 regions × 1 runner), then k6-fleet replay', () => {
  it('counts the drops, and a replay (twice) makes the PromQL request count exact', async () => {
    // Prepare: few, quick retries, so the outage turns into counted drops within the run.
    const sink = createSink(
      { kind: 'prometheus', url: prom.writeUrl },
      { delivery: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100, log: () => {} } },
    );
    let paused: Promise<void> | undefined;
    // Act: Prometheus goes away 3 s into the load and stays away until the run has ended.
    run = await runFleet({
      script: SCRIPT,
      env: { TARGET: target.url },
      regions: [
        { name: 'us-east-1', weight: 50 },
        { name: 'eu-west-1', weight: 50 },
      ],
      runnersPerRegion: 1,
      sink,
      onStatus: (s) => {
        if (!paused && s.elapsedMs >= 3000) paused = prom.pause();
      },
    });
    await paused;
    await prom.start();
    const runId = run.plan.runId;
    const reqs = run.summary.metrics.http_reqs?.values.count ?? -1;
    const count = async () =>
      scalarOf(
        await prom.query(
          `sum(max_over_time(k6_http_reqs_total{run_id="${runId}",runner!=""}[1h]))`,
          Date.now() + 30_000,
        ),
      );
    const replay = () =>
      runCli(['replay', runId, '--sink', `prometheus:${prom.writeUrl}`, '--out-dir', run!.storeRoot]);

    // Assess: the outage is counted, and Prometheus is short of the run's requests.
    expect(paused).toBeDefined();
    expect(reqs).toBeGreaterThan(100);
    expect(run.summary.fleet.sinks?.prometheus?.dropped).toBeGreaterThan(0);
    const before = await count();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(reqs);

    // Prometheus 2.42 (with its out-of-order window) takes the older float samples but
    // refuses out-of-order native histograms: those samples it already has are counted as
    // dropped, once in the log, and the command says so (exit 255).
    const refusedOnlyOldHistograms = (r: { code: number | null; stderr: string }) => {
      expect(r.stderr).toContain(`run ${runId} replayed to prometheus`);
      if (r.code !== 0) {
        expect(r.code).toBe(255);
        expect(r.stderr.match(/HTTP 400 out of order sample/g)).toHaveLength(1);
      }
    };
    refusedOnlyOldHistograms(await replay());
    expect(await count()).toBe(reqs);
    // Replayed again: the same samples, so still exact (no double counting).
    refusedOnlyOldHistograms(await replay());
    expect(await count()).toBe(reqs);
    // The histograms the outage lost are filled too: their latest samples count every request.
    const observed = scalarOf(
      await prom.query(
        `sum(histogram_count(k6_http_req_duration_seconds{run_id="${runId}",runner!=""}))`,
        Date.now() + 30_000,
      ),
    );
    expect(observed).toBe(reqs);
    // The fleet rollup and the run point are back too.
    const global = scalarOf(
      await prom.query(
        `max_over_time(k6_http_reqs_total{run_id="${runId}",scope="global"}[1h])`,
        Date.now() + 30_000,
      ),
    );
    expect(global).toBe(reqs);
    const runPoint = scalarOf(
      await prom.query(`max_over_time(k6_run_requests{run_id="${runId}"}[1h])`, Date.now() + 30_000),
    );
    expect(runPoint).toBe(reqs);
  }, 120_000);

  it('refuses an unknown run, a run not finished yet and a malformed --sink with exit 104', async () => {
    // Prepare: a store holding only the finished run's plan — a run still running.
    const runId = run!.plan.runId;
    const running = await mkdtemp(join(tmpdir(), 'k6-fleet-replay-'));
    const plan = runKeys(runId).plan;
    await cp(join(run!.storeRoot, ...plan.split('/')), join(running, ...plan.split('/')), {
      recursive: true,
    });
    const sink = `prometheus:${prom.writeUrl}`;
    try {
      // Act
      const unknown = await runCli(['replay', 'no-such-run', '--sink', sink, '--out-dir', run!.storeRoot]);
      const unfinished = await runCli(['replay', runId, '--sink', sink, '--out-dir', running]);
      const malformed = await runCli([
        'replay',
        runId,
        '--sink',
        'prometheus:ftp://x',
        '--out-dir',
        run!.storeRoot,
      ]);
      const missing = await runCli(['replay', runId, '--out-dir', run!.storeRoot]);
      // Assess
      expect([unknown.code, unfinished.code, malformed.code, missing.code]).toEqual([104, 104, 104, 104]);
      expect(unknown.stderr).toContain('unknown run "no-such-run"');
      expect(unfinished.stderr).toContain(`run ${runId} has not finished`);
      expect(malformed.stderr).toContain('prometheus:<url> needs an http(s) remote-write url');
      expect(missing.stderr).toContain("required option '--sink <spec>'");
    } finally {
      await rm(running, { recursive: true, force: true });
    }
  });
});
