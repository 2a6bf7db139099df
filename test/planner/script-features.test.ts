import { describe, expect, it } from 'vitest';
import { exportsFunction } from '../../functions/core/planner/script-features';

describe('exportsFunction', () => {
  it.each([
    ['export function setup() {}', true],
    ['export async function setup() {}', true],
    ['export const setup = () => 1;', true],
    ['function s() {}\nexport { s as setup };', true],
    ['export { setup, other };\nfunction setup() {}', true],
    ['// export function setup() {}\nexport default function () {}', false],
    ['/* export function setup() {} */', false],
    ['export function setupData() {}', false],
  ])('%s → %s', (src, expected) => {
    expect(exportsFunction(src, 'setup')).toBe(expected);
  });
});
