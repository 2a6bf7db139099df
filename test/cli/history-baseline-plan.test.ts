import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHistory } from '../../functions/adapters/store/history-store';
import { runKeys } from '../../functions/contracts';
import { InvalidInputError } from '../../functions/core/planner/plan-errors';
import { planRun } from '../../functions/engine/planner/plan-run';
import { syntheticHistory } from '../support/history-records';
import { K6_PATH } from '../support/k6-path';
import { type StackWorld, startStackWorld } from './stack-support';

// On AWS the Plan step gets `baseline` in the run input: checked against the S3 history
// before any load, resolved to a run id in plan.json for Finalize.
let world: StackWorld;
const history = syntheticHistory(4, 4, 1);
const scriptText = `export const options = { vus: 1, duration: '2s' };
export default function () {}`;
beforeAll(async () => {
  world = await startStackWorld();
  for (const r of history) await writeHistory(world.store, r);
}, 60_000);
afterAll(async () => {
  await world?.stop();
});

const plan = (input: Record<string, unknown>) =>
  planRun({ script: { inline: scriptText }, ...input }, { store: world.store, k6Path: K6_PATH, scriptText });

describe('the run input takes baseline on S3 (Plan)', () => {
  it('resolves previous / a run id into plan.baseline', async () => {
    const p = await plan({ testName: 'synthetic', baseline: 'previous', failOnRegression: true });
    expect(p.baseline).toEqual({ ref: 'previous', runId: history[3]!.runId, failOnRegression: true });
    const q = await plan({ testName: 'synthetic', baseline: history[1]!.runId });
    expect(q.baseline).toEqual({ ref: history[1]!.runId, runId: history[1]!.runId, failOnRegression: false });
  });

  it('refuses an unknown run, a missing baseline mark, another test — nothing written', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { testName: 'synthetic', baseline: 'nope-run', runId: '20261203T000000-bad001' },
        'unknown run id nope-run',
      ],
      [{ testName: 'synthetic', baseline: 'baseline', runId: '20261203T000000-bad002' }, 'has no baseline'],
      [
        { testName: 'fresh', baseline: 'previous-passed', runId: '20261203T000000-bad003' },
        'has no earlier passed run',
      ],
      [
        { testName: 'other', baseline: history[0]!.runId, runId: '20261203T000000-bad004' },
        'is test "synthetic", this run is test "other"',
      ],
    ];
    for (const [input, message] of cases) {
      const err = await plan(input).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as Error).message).toContain(message);
      expect(await world.store.get(runKeys(input.runId as string).plan)).toBeUndefined();
    }
  });
});
