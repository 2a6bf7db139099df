import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../functions/contracts';
import { runCli, startCli } from '../support/cli';
import { processesMatching } from '../support/processes';
import { useTarget } from '../support/target';

const target = useTarget();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k6-fleet-exit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fleet = ['--region', 'a=50', '--region', 'b=50', '--runners-per-region', '2'];

async function scriptFile(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(
    path,
    `import http from 'k6/http';\nimport { sleep } from 'k6';\nimport exec from 'k6/execution';\n${body}`,
  );
  return path;
}

describe('the CLI exits with k6 exit codes', () => {
  it('Ctrl-C (SIGINT) stops every runner cleanly, still writes the summary, and exits 105', async () => {
    // Prepare
    const path = await scriptFile(
      'long.js',
      `export const options = { scenarios: { s: { executor: 'constant-vus', vus: 8, duration: '60s' } } };
export default function () { http.get(__ENV.TARGET + '/api/i'); sleep(0.1); }`,
    );
    const out = join(dir, 'int');
    const summaryFile = join(dir, 'int-summary.json');
    const cli = startCli([
      'run',
      path,
      '-e',
      `TARGET=${target().url}`,
      '--out-dir',
      out,
      '-q',
      '--summary-export',
      summaryFile,
      ...fleet,
    ]);
    for (let i = 0; i < 120; i++) {
      await sleep(500);
      const runs = await readdir(join(out, 'runs')).catch(() => []);
      const status = runs[0]
        ? await readFile(join(out, 'runs', runs[0], 'status.json'), 'utf8').catch(() => '')
        : '';
      if (status.includes('"phase":"running"')) break;
    }
    await sleep(2000);
    // Act
    cli.child.kill('SIGINT');
    const res = await cli.done;
    // Assess
    expect(res.code).toBe(105);
    const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as Summary;
    expect(summary.fleet.verdict).toBe('aborted');
    expect(summary.fleet.abort?.source).toBe('interrupt');
    expect(summary.fleet.runners.map((r) => r.outcome)).toEqual(['aborted', 'aborted', 'aborted', 'aborted']);
    expect(summary.metrics.http_reqs?.values.count).toBeGreaterThan(0);
    expect(res.stdout).toContain('FLEET');
    expect(processesMatching(out)).toEqual([]);
  });

  it('test.abort() in the script ends the whole fleet with 108', async () => {
    const path = await scriptFile(
      'abort.js',
      `export const options = { scenarios: { s: { executor: 'constant-vus', vus: 8, duration: '60s' } } };
export default function () {
  http.get(__ENV.TARGET + '/api/t');
  if (exec.scenario.iterationInTest === 30) exec.test.abort('enough of this');
  sleep(0.1);
}`,
    );
    const res = await runCli([
      'run',
      path,
      '-e',
      `TARGET=${target().url}`,
      '--out-dir',
      join(dir, 'abort'),
      '-q',
      ...fleet,
    ]);
    expect(res.code).toBe(108);
    expect(res.stdout).toMatch(/failed/);
  });

  it('an exception in setup() fails the run with 107 before load', async () => {
    target().resetStats();
    const path = await scriptFile(
      'setup-throws.js',
      `export const options = { vus: 4, duration: '30s' };
export function setup() { throw new Error('no credentials'); }
export default function () { http.get(__ENV.TARGET + '/api/s'); }`,
    );
    const res = await runCli([
      'run',
      path,
      '-e',
      `TARGET=${target().url}`,
      '--out-dir',
      join(dir, 'setup'),
      '-q',
      ...fleet,
    ]);
    expect(res.code).toBe(107);
    expect(res.stdout).toMatch(/setup\(\) failed.*no credentials/);
    expect(target().stats().requests).toBe(0);
  });
});
