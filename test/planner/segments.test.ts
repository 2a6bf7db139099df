import { describe, expect, it } from 'vitest';
import { planSegments } from '../../functions/core/planner/segments';

describe('planSegments', () => {
  it('tiles [0,1] exactly with one shared sequence for weighted regions', () => {
    // Prepare / Act
    const plan = planSegments([
      { name: 'us-east-1', weight: 50, runners: 2 },
      { name: 'eu-west-1', weight: 30, runners: 2 },
      { name: 'ap-southeast-2', weight: 20, runners: 2 },
    ]);
    // Assess
    expect(plan.sequence).toEqual(['0', '1/4', '1/2', '13/20', '4/5', '9/10', '1']);
    expect(plan.runners.map((r) => r.segment)).toEqual([
      '0:1/4',
      '1/4:1/2',
      '1/2:13/20',
      '13/20:4/5',
      '4/5:9/10',
      '9/10:1',
    ]);
    expect(plan.runners.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 12);
  });

  it('handles thirds and fractional weights without gaps', () => {
    const plan = planSegments([
      { name: 'a', weight: 33.33, runners: 3 },
      { name: 'b', weight: 66.67, runners: 1 },
    ]);
    expect(plan.sequence.at(-1)).toBe('1');
    expect(plan.sequence).toHaveLength(5);
    for (let i = 0; i < plan.runners.length; i++) {
      expect(plan.runners[i]!.segment).toBe(`${plan.sequence[i]}:${plan.sequence[i + 1]}`);
    }
  });

  it('rejects weights that do not sum to 100', () => {
    expect(() => planSegments([{ name: 'a', weight: 60, runners: 1 }])).toThrow(/sum to 100/);
  });
});
