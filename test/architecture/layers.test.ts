import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The layers, lowest first; a file may import only from its own layer or lower ones. */
const LAYERS = ['contracts', 'core', 'adapters', 'engine', 'entrypoints'] as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(path: string): number {
  const top = path.split('/')[1];
  return LAYERS.indexOf(top as (typeof LAYERS)[number]);
}

/** Relative imports of a file, resolved to repo paths. */
function importsOf(path: string): string[] {
  const src = readFileSync(join(ROOT, path), 'utf8');
  const specs = [...src.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
  return specs.map((s) => relative(ROOT, resolve(ROOT, dirname(path), s)));
}

describe('code layout', () => {
  const functions = sourceFiles('functions');

  it('puts every file of functions/ in one of the layers', () => {
    expect(functions.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('lets each layer import only its own layer and the ones below', () => {
    const upward = functions.flatMap((f) =>
      importsOf(f)
        .filter((target) => target.startsWith('functions/') && layerOf(target) > layerOf(f))
        .map((target) => `${f} → ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('keeps core and contracts free of I/O, the AWS SDK and the CDK', () => {
    const impure = functions
      .filter((f) => layerOf(f) <= LAYERS.indexOf('core'))
      .filter((f) =>
        /from '(node:(fs|child_process|net|http)[^']*|@aws-sdk\/[^']+|aws-cdk-lib[^']*)'/.test(
          readFileSync(join(ROOT, f), 'utf8'),
        ),
      );
    expect(impure).toEqual([]);
  });

  it('never lets a handler or the runtime import the CDK', () => {
    expect(functions.filter((f) => /from 'aws-cdk-lib/.test(readFileSync(join(ROOT, f), 'utf8')))).toEqual(
      [],
    );
  });

  it('gives every source file a name no other source file has (index.ts aside)', () => {
    const files = ['functions', 'lib', 'bin', 'test', 'bench'].flatMap(sourceFiles);
    const byName = new Map<string, string[]>();
    for (const f of files) byName.set(basename(f), [...(byName.get(basename(f)) ?? []), f]);
    const clashes = [...byName.entries()].filter(([name, paths]) => name !== 'index.ts' && paths.length > 1);
    expect(clashes).toEqual([]);
  });

  it('keeps every source file of functions/ and lib/ at 300 lines or fewer', () => {
    const long = ['functions', 'lib']
      .flatMap(sourceFiles)
      .map((f) => ({ f, lines: readFileSync(join(ROOT, f), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });
});
