import { describe, expect, it } from 'vitest';
import { RunInputSchema } from '../../functions/contracts';
import { runInputFromFlags } from '../../functions/entrypoints/cli/run-input-from-flags';

describe('run input from the run flags (local and --stack share it)', () => {
  it('maps every flag onto the run input, which the contract accepts', () => {
    // Prepare
    const flags = {
      outDir: '/tmp/out',
      testName: 'checkout',
      region: [
        { name: 'eu-west-1', weight: 70 },
        { name: 'us-east-1', weight: 30 },
      ],
      runnersPerRegion: 2,
      env: { BASE_URL: 'http://127.0.0.1:8080' },
      tag: { team: 'shop' },
      interval: 2,
      heartbeatTimeout: 30,
    };
    // Act
    const input = runInputFromFlags(
      'scripts/load.js',
      { path: '/abs/scripts/load.js' },
      flags,
      'r-20261203-abc',
    );
    // Assess
    expect(input).toEqual({
      runId: 'r-20261203-abc',
      testName: 'checkout',
      script: { path: '/abs/scripts/load.js' },
      regions: flags.region,
      runnersPerRegion: 2,
      env: { BASE_URL: 'http://127.0.0.1:8080' },
      tags: { team: 'shop' },
      intervalSeconds: 2,
      heartbeatTimeoutSeconds: 30,
    });
    expect(RunInputSchema.parse(input)).toEqual(input);
  });

  it('leaves unset flags out so the planner (or the fleet config) decides, and names the test after the script', () => {
    // Act
    const local = runInputFromFlags(
      '/work/tests/smoke.mjs',
      { path: '/work/tests/smoke.mjs' },
      { outDir: 'out' },
    );
    const stack = runInputFromFlags(
      'smoke.cjs',
      { s3Key: 'scripts/abc/smoke.cjs' },
      { outDir: 'out', maxVusPerRunner: 50 },
    );
    // Assess
    expect(local).toEqual({
      testName: 'smoke',
      script: { path: '/work/tests/smoke.mjs' },
      env: {},
      tags: {},
    });
    expect(Object.keys(local)).not.toContain('regions');
    expect(Object.keys(local)).not.toContain('runId');
    expect(stack).toEqual({
      testName: 'smoke',
      script: { s3Key: 'scripts/abc/smoke.cjs' },
      maxVusPerRunner: 50,
      env: {},
      tags: {},
    });
    expect(RunInputSchema.parse(stack).maxVusPerRunner).toBe(50);
  });
});
