/**
 * Whether a script exports setup()/teardown(). k6 inspect does not say, and POST
 * /v1/teardown hangs on a script without teardown(), so the planner looks at the source.
 * Covers `export function x`, `export async function x`, `export const x =`,
 * `export { x }` / `export { y as x }`.
 */
export function exportsFunction(source: string, name: 'setup' | 'teardown'): boolean {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const direct = new RegExp(
    `export\\s+(?:async\\s+)?(?:function\\s*\\*?\\s*|const\\s+|let\\s+|var\\s+)${name}\\b`,
  );
  if (direct.test(code)) return true;
  for (const m of code.matchAll(/export\s*\{([^}]*)\}/g)) {
    const names = (m[1] ?? '').split(',').map((part) =>
      part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim(),
    );
    if (names.includes(name)) return true;
  }
  return false;
}
