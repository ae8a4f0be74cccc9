import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLLING } from '../../machines/meal-policy.ts';
import { UserError } from '../../sim/cli/user-error.ts';
import { policyNames, policyParams } from '../../sim/mdrp/policy-options.ts';

describe('policy options', () => {
  it('reads policy lists and rejects unknown names', () => {
    expect(policyNames('greedy, rolling,greedy')).toEqual(['greedy', 'rolling']);
    expect(() => policyNames('random')).toThrow(
      new UserError('--policy: expected greedy or rolling, got "random"'),
    );
  });

  it('applies --set to the rolling defaults, keeping each type', () => {
    expect(policyParams('rolling', ['intervalMinutes=2,solver=highs', 'preposition=true'])).toEqual({
      ...DEFAULT_ROLLING,
      intervalMinutes: 2,
      solver: 'highs',
      preposition: true,
    });
  });

  it.each([
    ['maxBundle=two', '--set maxBundle: expected a number >= 0, got "two"'],
    ['preposition=yes', '--set preposition: expected true or false, got "yes"'],
    ['solver=cplex', '--set solver: expected hungarian or highs, got "cplex"'],
    ['intervalMinutes=0', '--set intervalMinutes: expected a number >= 1, got 0'],
  ])('rejects %s', (set, message) => {
    expect(() => policyParams('rolling', [set])).toThrow(message);
  });

  it('greedy has no parameters', () => {
    expect(() => policyParams('greedy', ['maxBundle=2'])).toThrow('the greedy policy has no parameters');
  });
});
