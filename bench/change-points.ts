import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { changePoints } from '../functions/core/history/e-divisive';
import { seededRandom as rng } from '../target/random';
import { numericFlags } from './lib/cli-flags';
import { printTable } from './lib/table';

/**
 * Our E-divisive change points beside the pinned apache-otava 0.8.0 (scripts/install-otava.sh)
 * on the same synthetic per-run histories: planted level shifts at several noise levels and
 * history lengths, Gaussian noise or Gaussian with 5% one-off outliers (a slow run now and
 * then). A detection within ±2 runs of a planted shift is a hit.
 */
const flags = numericFlags(
  'npx tsx bench/change-points.ts [--seeds N]',
  { seeds: 10 },
  { seeds: 'histories per case' },
);
const PYTHON = resolve(import.meta.dirname, '../.tools/venv/bin/python');
const TOLERANCE = 2;

const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

interface Case {
  length: number;
  cv: number;
  outliers: boolean;
  shifts: Array<[number, number]>; // [index, relative level change]
}

function history(c: Case, seed: number): number[] {
  const r = rng(seed);
  let level = 100;
  const out: number[] = [];
  for (let i = 0; i < c.length; i++) {
    for (const [at, d] of c.shifts) if (i === at) level *= 1 + d;
    let v = level * (1 + c.cv * gauss(r));
    if (c.outliers && r() < 0.05) v *= 1.5 + r();
    out.push(v);
  }
  return out;
}

function score(found: number[][], planted: number[]): { precision: number; recall: number } {
  let tp = 0;
  let detected = 0;
  for (const f of found) {
    detected += f.length;
    const used = new Set<number>();
    for (const p of planted) {
      const hit = f.find((x) => Math.abs(x - p) <= TOLERANCE && !used.has(x));
      if (hit !== undefined) {
        used.add(hit);
        tp++;
      }
    }
  }
  const total = planted.length * found.length;
  return { precision: detected ? tp / detected : 1, recall: total ? tp / total : 1 };
}

function otava(series: number[][]): { changePoints: number[][]; ms: number[] } {
  const out = execFileSync(PYTHON, [resolve(import.meta.dirname, 'lib/otava-change-points.py')], {
    input: JSON.stringify({ series, window: 50, pvalue: 0.001 }),
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString()) as { changePoints: number[][]; ms: number[] };
}

if (!existsSync(PYTHON)) throw new Error(`no ${PYTHON}: run bash scripts/install-otava.sh`);
const cases: Case[] = [];
for (const length of [30, 100, 300]) {
  const shifts: Array<[number, number]> =
    length === 30
      ? [[20, 0.15]]
      : [
          [Math.round(length * 0.4), 0.15],
          [Math.round(length * 0.75), -0.1],
        ];
  for (const cv of [0.02, 0.05, 0.1])
    for (const outliers of [false, true]) cases.push({ length, cv, outliers, shifts });
}

const rows: string[][] = [];
const examples: string[][] = [];
let oursMsTotal = 0;
let otavaMsTotal = 0;
for (const c of cases) {
  const series = Array.from({ length: flags.seeds }, (_, s) => history(c, 1 + s * 7919 + c.length));
  const t0 = performance.now();
  const ours = series.map((s) => changePoints(s).map((cp) => cp.index));
  const oursMs = performance.now() - t0;
  const theirs = otava(series);
  const otMs = theirs.ms.reduce((a, b) => a + b, 0);
  oursMsTotal += oursMs;
  otavaMsTotal += otMs;
  const planted = c.shifts.map(([i]) => i);
  const a = score(ours, planted);
  const b = score(theirs.changePoints, planted);
  const noise = `${(100 * c.cv).toFixed(0)}%${c.outliers ? ' + outliers' : ''}`;
  const f = (x: number) => x.toFixed(2);
  rows.push([
    String(c.length),
    noise,
    c.shifts.map(([i, d]) => `${i} (${d > 0 ? '+' : ''}${100 * d}%)`).join(', '),
    f(a.precision),
    f(a.recall),
    f(b.precision),
    f(b.recall),
    (oursMs / flags.seeds).toFixed(2),
    (otMs / flags.seeds).toFixed(2),
  ]);
  examples.push([
    String(c.length),
    noise,
    planted.join(' '),
    (ours[0] ?? []).join(' ') || '-',
    (theirs.changePoints[0] ?? []).join(' ') || '-',
  ]);
}

process.stdout.write(
  `change points: ours (E-divisive, t-test, merge; p < 0.001) vs apache-otava 0.8.0 compute_change_points (window 50, p 0.001); ${flags.seeds} histories per case, hit = within ±${TOLERANCE} runs\n`,
);
printTable(
  'Precision / recall against the planted shifts',
  ['runs', 'noise (cv)', 'planted at', 'ours P', 'ours R', 'otava P', 'otava R', 'ours ms', 'otava ms'],
  rows,
);
printTable(
  'Change points of the first history of each case',
  ['runs', 'noise', 'planted', 'ours', 'otava'],
  examples,
);
process.stdout.write(
  `total: ours ${oursMsTotal.toFixed(0)} ms, otava ${otavaMsTotal.toFixed(0)} ms (in-process time, excl. Python start)\n`,
);
