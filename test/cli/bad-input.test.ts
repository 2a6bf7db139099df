import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { useTarget } from '../support/target';

const target = useTarget();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k6-fleet-bad-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const good = (extra = '') => `
import http from 'k6/http';
export const options = { vus: 2, duration: '2s'${extra} };
export default function () { http.get(__ENV.TARGET + '/api/x'); }
`;

async function script(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('bad input is rejected before any load, with a message that says what to fix', () => {
  it.each([
    [
      'weights that do not sum to 100',
      good(),
      ['--region', 'a=50', '--region', 'b=40'],
      104,
      /weights must sum to 100, they sum to 90/,
    ],
    [
      'a weight that is not positive',
      good(),
      ['--region', 'a=-10', '--region', 'b=110'],
      104,
      /weights must be positive/,
    ],
    ['a weight that is not a number', good(), ['--region', 'a=lots'], 104, /expected NAME=WEIGHT/],
    [
      'more runners than VUs',
      good(),
      ['--region', 'a=50', '--region', 'b=50', '--runners-per-region', '2'],
      104,
      /4 runners but the script has only 2 VU/,
    ],
    ['a zero runner count', good(), ['--runners-per-region', '0'], 104, /positive whole number/],
    [
      'more VUs on one runner than its file descriptors allow',
      "export const options = { vus: 2000, duration: '2s' };\nexport default function () {}",
      ['--runners-per-region', '1'],
      104,
      /runner local-0 would run 2000 VUs, over the runner limit of 900 VUs \(set by file descriptors: 1024 file descriptors per Lambda, 124 kept for the runner and k6, one connection per VU\)/,
    ],
    [
      'a malformed prometheus sink',
      good(),
      ['--sink', 'prometheus:127.0.0.1 9090'],
      104,
      /prometheus:<url> needs an http\(s\) remote-write url/,
    ],
    [
      'a script with a syntax error',
      'export default function ( {',
      [],
      107,
      /k6 rejected the script: .*Unexpected/,
    ],
    [
      'a script that throws in init',
      'throw new Error("boom at init");\nexport default function () {}',
      [],
      107,
      /boom at init/,
    ],
    [
      'a threshold k6 cannot parse',
      good(", thresholds: { http_req_duration: ['p95<200'] }"),
      [],
      104,
      /threshold/,
    ],
    [
      'a threshold method that does not fit the metric',
      good(", thresholds: { http_reqs: ['p(95)<200'] }"),
      [],
      104,
      /threshold.*p\(95\)<200.*http_reqs/,
    ],
    [
      'an unknown executor',
      "export const options = { scenarios: { a: { executor: 'nope' } } };\nexport default function () {}",
      [],
      104,
      /unknown executor type 'nope'/,
    ],
  ])('%s', async (name, text, flags, code, message) => {
    // Prepare
    target().resetStats();
    const path = await script(`${name.replace(/\W+/g, '-')}.js`, text);
    // Act
    const res = await runCli([
      'run',
      path,
      '-e',
      `TARGET=${target().url}`,
      '--out-dir',
      join(dir, 'store'),
      '-q',
      ...flags,
    ]);
    // Assess
    expect(res.stderr).toMatch(message);
    expect(res.code).toBe(code);
    expect(target().stats().requests).toBe(0);
  });

  it('a missing script file', async () => {
    const res = await runCli(['run', join(dir, 'nope.js'), '--out-dir', join(dir, 'store')]);
    expect(res.code).toBe(104);
    expect(res.stderr).toMatch(/cannot read script .*nope\.js/);
  });
});
