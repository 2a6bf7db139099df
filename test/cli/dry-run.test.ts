import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k6-fleet-dry-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('k6-fleet run --dry-run', () => {
  it('prints the plan and the estimated cost, and starts nothing (no AWS call with --stack)', async () => {
    // Prepare: a 60 s test; the stack name points nowhere — a dry run never contacts AWS.
    const script = join(dir, 'dry.js');
    await writeFile(
      script,
      "export const options = { vus: 40, duration: '60s' };\nexport default function () {}\n",
    );
    // Act
    const res = await runCli([
      'run',
      script,
      '--stack',
      'no-such-stack',
      '--dry-run',
      '--region',
      'eu-west-1=50',
      '--region',
      'us-east-1=50',
      '--runners-per-region',
      '2',
      '--out-dir',
      join(dir, 'store'),
    ]);
    // Assess
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/dry run — nothing started on no-such-stack/);
    expect(res.stdout).toMatch(/plan: 4 runner\(s\), max 40 VUs, 90 s/);
    expect(res.stdout).toMatch(/eu-west-1-1 +eu-west-1 +segment \S+ +~10 VUs/);
    // 60 s + 30 s gracefulStop (k6 inspect) + 6.5 s start = 96.5 s; × 4 runners × 2 GB = 772 GB-s
    // on arm64 × $0.0000133334 = $0.0103.
    expect(res.stdout).toMatch(/Runner Lambda compute \(arm64\) +772 GB-s +\$0\.0103\n/);
    expect(res.stdout).toMatch(/estimated AWS cost: \$0\.\d+ \(us-east-1 list prices of \d{4}-\d\d-\d\d\)/);
    expect(res.stdout).toMatch(/data out to the target is not known before the run/);
    expect(await readdir(dir)).toEqual(['dry.js']);
  });
});
