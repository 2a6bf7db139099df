import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ValidateResult } from '../../functions/contracts/task-io';
import { captureOutput } from './support/captured-output';
import { mockS3Bucket } from './support/in-memory-s3';

type Handler = (event: unknown) => Promise<ValidateResult>;
const SECRET = 'hunter2-very-secret';

describe('validate handler', () => {
  let handler: Handler;
  let bucket: ReturnType<typeof mockS3Bucket>;

  beforeAll(async () => {
    vi.stubEnv('K6_FLEET_BUCKET', 'runs-bucket');
    vi.stubEnv('K6_FLEET_BUCKET_REGION', 'eu-west-1');
    vi.stubEnv(
      'K6_FLEET_RUNNER_REGIONS',
      JSON.stringify([
        { name: 'eu-west-1', weight: 60 },
        { name: 'us-east-1', weight: 40 },
      ]),
    );
    vi.stubEnv('K6_FLEET_MAX_VUS_PER_RUNNER', '250');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    ({ handler } = await import('../../functions/entrypoints/handlers/validate-input-handler'));
  });
  beforeEach(() => {
    bucket = mockS3Bucket();
  });
  afterEach(() => bucket.s3.restore());

  const run = (input: unknown, executionName = '3f2c9a10-8f7e-4c1b-9d52-2a1f0c6e7b11') =>
    handler({ input, executionName });

  it('accepts a console input and fills in the fleet defaults', async () => {
    // Prepare
    bucket.objects.set('scripts/checkout.js', 'export default function () {}');
    const output = captureOutput();
    // Act
    const result = await run({ script: { s3Key: 'scripts/checkout.js' }, env: { TOKEN: SECRET } }).finally(
      output.restore,
    );
    // Assess
    expect(result).toEqual({
      ok: true,
      runId: '3f2c9a10-8f7e-4c1b-9d52-2a1f0c6e7b11',
      input: {
        runId: '3f2c9a10-8f7e-4c1b-9d52-2a1f0c6e7b11',
        script: { s3Key: 'scripts/checkout.js' },
        regions: [
          { name: 'eu-west-1', weight: 60 },
          { name: 'us-east-1', weight: 40 },
        ],
        env: { TOKEN: SECRET },
        maxVusPerRunner: 250,
      },
    });
  });

  it('keeps an explicit runId, regions and runnersPerRegion', async () => {
    // Act
    const output = captureOutput();
    const result = await run({
      runId: 'nightly-42',
      script: { inline: 'export default function () {}' },
      regions: [{ name: 'us-east-1', weight: 100 }],
      runnersPerRegion: 3,
    }).finally(output.restore);
    // Assess
    expect(result).toMatchObject({
      ok: true,
      runId: 'nightly-42',
      input: { regions: [{ name: 'us-east-1', weight: 100 }], runnersPerRegion: 3, env: {} },
    });
    expect(result.ok && result.input.maxVusPerRunner).toBeUndefined();
  });

  it('stores an inline script once and passes its key on; a retry finds it, another script is refused', async () => {
    // Prepare
    const text = 'export default function () { /* inline */ }';
    const input = { runId: 'inline-1', script: { inline: text } };
    const output = captureOutput();
    // Act
    const first = await run(input);
    const retried = await run(input);
    const other = await run({
      runId: 'inline-1',
      script: { inline: 'export default function () {}' },
    }).finally(output.restore);
    // Assess: the state carries a key, not the text; the text is in the store once.
    expect(first).toMatchObject({ ok: true, input: { script: { s3Key: 'runs/inline-1/script.js' } } });
    expect(JSON.stringify(first)).not.toContain('/* inline */');
    expect(bucket.objects.get('runs/inline-1/script.js')).toBe(text);
    expect(retried).toEqual(first);
    expect(other).toEqual({
      ok: false,
      cause: 'run inline-1 already exists with another script: pick another runId (or execution name)',
    });
  });

  it.each([
    [
      { script: { s3Key: 'x.js' }, regions: [{ name: 'eu-west-1', weight: 50 }] },
      /regions: region weights must sum to 100/,
    ],
    [{ script: { inline: 'x' }, vus: 10 }, /Unrecognized key.*"vus"/],
    [{ regions: [] }, /script: /],
    [
      { script: { path: 'tests/load.js' } },
      /script\.path names a file on your machine.*s3:\/\/runs-bucket\/scripts\//,
    ],
    [{ script: { s3Key: 'other/load.js' } }, /script\.s3Key must be under scripts\/ in s3:\/\/runs-bucket/],
    [
      { script: { s3Key: 'scripts/missing.js' } },
      /no script at s3:\/\/runs-bucket\/scripts\/missing\.js: upload it first/,
    ],
    [
      { script: { inline: 'x' }, regions: [{ name: 'sa-east-1', weight: 100 }] },
      /no runners deployed in sa-east-1: this fleet has runners in eu-west-1, us-east-1/,
    ],
    [
      { script: { inline: 'x' }, env: { BIG: 'x'.repeat(250_000) } },
      /env is \d+ bytes; keep it under 200000/,
    ],
  ])('refuses %j with a cause that says what to fix', async (input, cause) => {
    // Act
    const output = captureOutput();
    const result = await run(input).finally(output.restore);
    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.cause).toMatch(cause);
  });

  it('never logs env values', async () => {
    // Prepare
    const output = captureOutput();
    // Act
    try {
      await run({ script: { inline: 'x' }, env: { TOKEN: SECRET } });
      await run({ script: { inline: 'x' }, env: { TOKEN: SECRET }, bogus: 1 });
    } finally {
      output.restore();
    }
    // Assess
    expect(output.text()).toContain('TOKEN');
    expect(output.text()).not.toContain(SECRET);
  });
});
