import { DEFAULT_GREEDY, DEFAULT_ROLLING, type MealPolicyParams } from '../../machines/meal-policy.ts';
import { UserError } from '../cli/user-error.ts';

export const POLICY_NAMES = ['greedy', 'rolling'] as const;

/** Parses `--policy greedy,rolling` into names, rejecting unknown ones. */
export function policyNames(text: string): ('greedy' | 'rolling')[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0)
    throw new UserError(`--policy: expected one of ${POLICY_NAMES.join(', ')}, got "${text}"`);
  for (const n of names)
    if (!(POLICY_NAMES as readonly string[]).includes(n))
      throw new UserError(`--policy: expected ${POLICY_NAMES.join(' or ')}, got "${n}"`);
  return [...new Set(names)] as ('greedy' | 'rolling')[];
}

/**
 * A policy's parameters: its defaults with `--set key=value,…` applied. Every key must exist and
 * keep its type (number, boolean, or one of the solver names), so a typo in a sweep fails loudly
 * instead of silently running the defaults.
 */
export function policyParams(name: 'greedy' | 'rolling', sets: readonly string[] = []): MealPolicyParams {
  if (name === 'greedy') {
    if (sets.length > 0)
      throw new UserError(`--set: the greedy policy has no parameters, got "${sets.join(',')}"`);
    return DEFAULT_GREEDY;
  }
  const params: Record<string, unknown> = { ...DEFAULT_ROLLING };
  for (const pair of sets.flatMap((s) => s.split(',')).filter((s) => s.trim() !== '')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair.trim() : pair.slice(0, eq).trim();
    const raw = eq < 0 ? '' : pair.slice(eq + 1).trim();
    const keys = Object.keys(DEFAULT_ROLLING).filter((k) => k !== 'kind');
    if (!keys.includes(key))
      throw new UserError(`--set ${pair}: expected a rolling parameter (${keys.join(', ')}), got "${key}"`);
    const current = params[key];
    if (typeof current === 'number') {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n) || n < 0)
        throw new UserError(`--set ${key}: expected a number >= 0, got "${raw}"`);
      params[key] = n;
    } else if (typeof current === 'boolean') {
      if (raw !== 'true' && raw !== 'false')
        throw new UserError(`--set ${key}: expected true or false, got "${raw}"`);
      params[key] = raw === 'true';
    } else {
      if (raw !== 'hungarian' && raw !== 'highs')
        throw new UserError(`--set ${key}: expected hungarian or highs, got "${raw}"`);
      params[key] = raw;
    }
  }
  for (const key of ['intervalMinutes', 'maxBundle', 'candidatesPerBundle'] as const)
    if (!((params[key] as number) >= 1))
      throw new UserError(`--set ${key}: expected a number >= 1, got ${params[key]}`);
  return params as unknown as MealPolicyParams;
}
