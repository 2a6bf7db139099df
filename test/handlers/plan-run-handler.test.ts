import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { refusalExitCode } from '../../functions/adapters/aws/refusal-cause';
import { runKeys } from '../../functions/contracts';
import type { PlanResult } from '../../functions/contracts/task-io';
import { K6_PATH } from '../support/k6-path';
import { captureOutput } from './support/captured-output';
import { mockS3Bucket } from './support/in-memory-s3';

type Handler = (event: unknown) => Promise<PlanResult>;

const REGIONS = [{ name: 'eu-west-1', weight: 100 }];
const GOOD_SCRIPT = `export const options = { vus: 2, duration: '5s' };
export default function () {}
`;

describe('plan handler (real k6 inspect)', () => {
  let handler: Handler;
  let bucket: ReturnType<typeof mockS3Bucket>;

  beforeAll(async () => {
    vi.stubEnv('K6_FLEET_BUCKET', 'runs-bucket');
    vi.stubEnv('K6_FLEET_BUCKET_REGION', 'eu-west-1');
    vi.stubEnv('K6_FLEET_K6', K6_PATH);
    vi.stubEnv('K6_FLEET_RUNNER_TIMEOUT_SECONDS', '900');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    ({ handler } = await import('../../functions/entrypoints/handlers/plan-run-handler'));
  });
  beforeEach(() => {
    bucket = mockS3Bucket();
  });
  afterEach(() => bucket.s3.restore());

  async function plan(runId: string, script: string): Promise<PlanResult> {
    const output = captureOutput();
    return handler({ runId, input: { runId, script: { inline: script }, regions: REGIONS } }).finally(
      output.restore,
    );
  }

  it('plans a script k6 accepts and writes plan.json', async () => {
    // Act
    const result = await plan('plan-ok-1', GOOD_SCRIPT);
    // Assess
    expect(result).toMatchObject({ ok: true, runId: 'plan-ok-1', regions: ['eu-west-1'], maxVUs: 2 });
    expect(bucket.objects.has(runKeys('plan-ok-1').plan)).toBe(true);
  });

  it.each([
    ['a syntax error', 'export default function () { this is not javascript }'],
    ['an init exception', 'throw new Error("boom at init");\nexport default function () {}'],
  ])("refuses %s with a cause that carries k6's exit 107, writing no plan", async (_, script) => {
    // Act
    const result = await plan('plan-bad-script', script);
    // Assess
    expect(result.ok).toBe(false);
    const cause = result.ok ? '' : result.cause;
    expect(cause).toMatch(/^\[k6 exit 107\] k6 rejected the script: /);
    expect(refusalExitCode(cause)).toBe(107);
    expect(bucket.objects.has(runKeys('plan-bad-script').plan)).toBe(false);
  });

  it('refuses other bad input with a plain cause (exit 104)', async () => {
    // Prepare: the run id is taken
    bucket.objects.set(runKeys('plan-taken-1').plan, '{}');
    // Act
    const result = await plan('plan-taken-1', GOOD_SCRIPT);
    // Assess
    expect(result).toEqual({ ok: false, cause: 'run plan-taken-1 already exists: pick another runId' });
    expect(refusalExitCode(result.ok ? undefined : result.cause)).toBe(104);
  });

  it('a Plan retried after it succeeded returns the same plan; another script under that id is refused', async () => {
    // Prepare: the first attempt planned and wrote plan.json (its response was lost).
    const first = await plan('plan-retry-1', GOOD_SCRIPT);
    const planned = bucket.objects.get(runKeys('plan-retry-1').plan);
    // Act: Step Functions retries the same task input; later a different script reuses the id.
    await new Promise((r) => setTimeout(r, 20)); // a later "now" would move the barrier
    const retried = await plan('plan-retry-1', GOOD_SCRIPT);
    const other = await plan('plan-retry-1', GOOD_SCRIPT.replace('vus: 2', 'vus: 3'));
    // Assess
    expect(retried).toEqual(first);
    expect(bucket.objects.get(runKeys('plan-retry-1').plan)).toBe(planned);
    expect(other).toEqual({ ok: false, cause: 'run plan-retry-1 already exists: pick another runId' });
  });
});
