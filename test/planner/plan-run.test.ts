import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRunStore } from '../../functions/adapters/store/local-run-store';
import { runKeys } from '../../functions/contracts';
import { LAMBDA_RUNNER_LIMIT_MS } from '../../functions/core/planner/plan-defaults';
import { InvalidInputError } from '../../functions/core/planner/plan-errors';
import { planRun } from '../../functions/engine/planner/plan-run';
import { K6_PATH } from '../support/k6-path';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'k6-fleet-plan-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const script = `export const options = { scenarios: { s: { executor: 'constant-vus', vus: Number(__ENV.VUS || 10), duration: __ENV.DUR || '30s' } },
  thresholds: { 'http_req_duration{name:login}': ['p(95)<300'] } };
export function setup() { return {}; }
export default function () {}`;

describe('planRun with real k6 inspect', () => {
  it('reads options with the run env, writes plan and script, and never stores env values', async () => {
    // Prepare
    const store = new LocalRunStore(root);
    // Act
    const plan = await planRun(
      {
        script: { inline: script },
        env: { VUS: '40', API_TOKEN: 's3cr3t-value' },
        runnersPerRegion: 2,
        runId: 'r1',
      },
      { store, k6Path: K6_PATH, scriptText: script },
    );
    // Assess
    expect(plan.requirements.maxVUs).toBe(40);
    expect(plan.requirements.totalDurationMs).toBe(60_000); // 30 s + 30 s gracefulStop
    expect(plan.script.hasSetup).toBe(true);
    expect(plan.script.hasTeardown).toBe(false);
    expect(plan.extraTagKeys).toEqual(['name']);
    expect(plan.envKeys).toEqual(['API_TOKEN', 'VUS']);
    const written = await Promise.all(
      [runKeys('r1').plan, runKeys('r1').input, runKeys('r1').script].map((k) =>
        readFile(store.describe(k), 'utf8'),
      ),
    );
    for (const text of written) expect(text).not.toContain('s3cr3t-value');
  });

  it('rejects a test longer than a Lambda runner can host', async () => {
    const store = new LocalRunStore(root);
    const err = await planRun(
      { script: { inline: script }, env: { DUR: '20m' } },
      { store, k6Path: K6_PATH, scriptText: script, runnerLimitMs: LAMBDA_RUNNER_LIMIT_MS },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).exitCode).toBe(104);
    expect((err as Error).message).toMatch(/lasts up to 20\.5 min .* at most 13\.0 min: shorten/);
  });

  it('rejects an invalid run input naming the field', async () => {
    const store = new LocalRunStore(root);
    const err = await planRun(
      {
        script: { inline: script },
        regions: [{ name: 'eu-west-1', weight: 100 }],
        runnersPerRegion: 2,
        maxVusPerRunner: 5,
      },
      { store, k6Path: K6_PATH, scriptText: script },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /runnersPerRegion: give either runnersPerRegion or maxVusPerRunner/,
    );
  });
});
