import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureK6LayerDir } from '../../lib/k6-layer/k6-layer-dir';
import { CDK_JSON_CONTEXT, sampleConfigInput } from './support/fleet-fixture';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Runs the CDK app the way `npx cdk synth` does (the CLI passes cdk.json's context in
 * CDK_CONTEXT_JSON and an output folder in CDK_OUTDIR), offline: fake credentials, no
 * account lookup, local esbuild bundling, the k6 layer from disk.
 */
async function synthApp(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'k6fleet-synth-'));
  const env = {
    ...process.env,
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify(context),
    CDK_DEFAULT_ACCOUNT: '123456789012',
    CDK_DEFAULT_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'fake',
    AWS_SECRET_ACCESS_KEY: 'fake',
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  try {
    const out = await run(tsx, ['bin/app.ts'], {
      cwd: ROOT,
      env,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
    return { code: 0, stderr: out.stderr, outdir };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr, outdir };
  }
}

interface Manifest {
  artifacts: Record<string, { type: string; environment?: string; properties?: { templateFile?: string } }>;
}

describe('cdk synth of the sample config (offline)', () => {
  let synth: Awaited<ReturnType<typeof synthApp>>;
  beforeAll(async () => {
    ensureK6LayerDir('arm64');
    synth = await synthApp(CDK_JSON_CONTEXT);
  }, 600_000);

  it('synthesizes one control stack and one runner stack per region, each with its env', () => {
    expect(synth.stderr).not.toMatch(/AwsSolutions-\w+/);
    expect(synth.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(synth.outdir, 'manifest.json'), 'utf8')) as Manifest;
    const stacks = Object.entries(manifest.artifacts)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([name, a]) => [name, a.environment]);
    expect(stacks.sort()).toEqual([
      ['k6-fleet-control', 'aws://123456789012/eu-west-1'],
      ['k6-fleet-runners-ap-southeast-2', 'aws://123456789012/ap-southeast-2'],
      ['k6-fleet-runners-eu-west-1', 'aws://123456789012/eu-west-1'],
      ['k6-fleet-runners-us-east-1', 'aws://123456789012/us-east-1'],
    ]);
  });

  /** Asset folders of a stack's Lambda functions and layers, by logical id (via the asset manifest). */
  function assetsOf(stack: string): Record<string, string> {
    const read = (f: string) => JSON.parse(readFileSync(join(synth.outdir, f), 'utf8'));
    const template = read(`${stack}.template.json`);
    const manifest = read(`${stack}.assets.json`) as {
      files: Record<
        string,
        { source: { path: string }; destinations: Record<string, { objectKey: string }> }
      >;
    };
    const folderOfKey = new Map<string, string>();
    for (const file of Object.values(manifest.files)) {
      for (const d of Object.values(file.destinations))
        folderOfKey.set(d.objectKey, join(synth.outdir, file.source.path));
    }
    const out: Record<string, string> = {};
    for (const [id, res] of Object.entries<{ Type: string; Properties: Record<string, { S3Key?: string }> }>(
      template.Resources,
    )) {
      const key = res.Properties?.Code?.S3Key ?? res.Properties?.Content?.S3Key;
      const folder = key && folderOfKey.get(key);
      if (folder) out[id] = folder;
    }
    return out;
  }

  it('bundles every handler with the local esbuild (no Docker) and ships the report assets', () => {
    const assets = assetsOf('k6-fleet-control');
    const functions = Object.entries(assets).filter(([id]) => !id.startsWith('K6Layer'));
    expect(functions.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'AbortOnStop',
      'Dispatch',
      'Finalize',
      'Plan',
      'Validate',
      'Watch',
    ]);
    for (const [, dir] of functions) expect(existsSync(join(dir, 'index.mjs'))).toBe(true);
    const finalize = functions.find(([id]) => id.startsWith('Finalize'))?.[1] ?? '';
    expect(existsSync(join(finalize, 'node_modules/uplot/dist/uPlot.iife.min.js'))).toBe(true);
  });

  it('ships k6 for linux/arm64 in the layer, at bin/k6 (/opt/bin/k6 in Lambda)', () => {
    const layer = Object.entries(assetsOf('k6-fleet-runners-us-east-1')).find(([id]) =>
      id.includes('K6'),
    )?.[1];
    expect(layer).toBeDefined();
    const elf = readFileSync(join(layer ?? '', 'bin', 'k6')).subarray(0, 20);
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(elf.readUInt16LE(18)).toBe(0xb7); // e_machine: AArch64
  });

  it('produces ESM bundles that load and run on Node 22 (validate refuses a bad input)', async () => {
    const assets = assetsOf('k6-fleet-control');
    const validate = Object.entries(assets).find(([id]) => id.startsWith('Validate'))?.[1] ?? '';
    const script = `
      const { handler } = await import(${JSON.stringify(join(validate, 'index.mjs'))});
      const r = await handler({ input: { script: { path: 'a.js' } }, executionName: 'e1' });
      process.stdout.write(JSON.stringify(r));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...process.env,
        K6_FLEET_BUCKET: 'runs-bucket',
        K6_FLEET_BUCKET_REGION: 'eu-west-1',
        K6_FLEET_RUNNER_REGIONS: '[{"name":"eu-west-1","weight":100}]',
        K6_FLEET_MAX_VUS_PER_RUNNER: '100',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    });
    const result = JSON.parse(stdout.slice(stdout.indexOf('{"ok"')));
    expect(result).toMatchObject({ ok: false, cause: expect.stringMatching(/script\.path names a file/) });
  });

  it('fails with a message naming the field when the config is invalid', async () => {
    const bad = { ...sampleConfigInput(), runner: { timeoutSeconds: 3600 } };
    const result = await synthApp({ ...CDK_JSON_CONTEXT, k6fleet: bad });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("k6fleet.runner.timeoutSeconds: Lambda's maximum timeout is 900 seconds");
    expect(readdirSync(result.outdir)).not.toContain('manifest.json');
  }, 120_000);
});
