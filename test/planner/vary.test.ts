import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../sim/cli/user-error.ts';
import { expandVariants, parseVary } from '../../sim/planner/vary.ts';
import { loadScenario } from '../../sim/scenario/load-scenario.ts';

const PATH = 'scenarios/monaco.json';
const base = loadScenario(PATH);
const vary = (...specs: string[]) => parseVary(specs, base, PATH);

function errorOf(...specs: string[]): string {
  try {
    vary(...specs);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error(`expected ${specs.join(' ')} to be refused`);
}

describe('--vary', () => {
  it('reads ranges and lists, numeric and enum fields, and a group path as its count', () => {
    const dims = vary('fleet.couriers.professional=20..200:20', 'dispatch.policy=nearest,batched');
    expect(dims[0].path).toBe('fleet.couriers.professional.count');
    expect(dims[0].values).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    expect(dims[1]).toMatchObject({ path: 'dispatch.policy', values: ['nearest', 'batched'] });
    const shares = vary(
      'fleet.couriers.shifts[0].share=0.1..0.3:0.1',
      'demand.errand.categories.print=0,0.5',
    );
    expect(shares[0].values).toEqual([0.1, 0.2, 0.3]);
    expect(shares[1].path).toBe('demand.errand.categories.print');
  });

  it('expands every combination, first --vary outermost, each a validated scenario', () => {
    const dims = vary('fleet.couriers.professional=10,20', 'dispatch.policy=nearest,batched,push-pull');
    const variants = expandVariants(dims, base, PATH);
    expect(
      variants.map((v) => [v.values['fleet.couriers.professional.count'], v.values['dispatch.policy']]),
    ).toEqual([
      [10, 'nearest'],
      [10, 'batched'],
      [10, 'push-pull'],
      [20, 'nearest'],
      [20, 'batched'],
      [20, 'push-pull'],
    ]);
    expect(variants[4].scenario.fleet.couriers.professional.count).toBe(20);
    expect(variants[4].scenario.dispatch.policy).toBe('batched');
    expect(base.fleet.couriers.professional.count).toBe(150);
  });

  it('refuses a bad path with the fields that exist', () => {
    expect(errorOf('fleet.couriers.profesional=1..3')).toMatch(
      /"profesional" is not a field of fleet\.couriers; expected one of professional, ordinary/,
    );
    expect(errorOf('name=a,b')).toMatch(/expected a numeric or enum field, got a text field/);
    expect(errorOf('fleet=1,2')).toMatch(/got an object/);
    expect(errorOf('fleet.couriers.shifts[7].share=0.5')).toMatch(/a list of 3; expected an index 0\.\.2/);
    expect(errorOf('demand.errand.categories.bogus=1')).toMatch(/"bogus" is not a valid key/);
  });

  it('refuses bad values before anything runs, naming the field and what was expected', () => {
    expect(errorOf('dispatch.policy=nearest,fastest')).toMatch(
      /expected one of "nearest", "batched", "push-pull", got "fastest"/,
    );
    expect(errorOf('fleet.couriers.professional=2.5')).toMatch(/expected integers/);
    expect(errorOf('fleet.couriers.professional=ten')).toMatch(/expected numbers, got "ten"/);
    expect(errorOf('fleet.couriers.professional=200000')).toMatch(
      /fleet\.couriers\.professional\.count: expected <= 100000/,
    );
    expect(errorOf('dispatch.policy=1..3')).toMatch(/a range needs a numeric field/);
    expect(errorOf('netLatencyMs=50..10:10')).toMatch(/from low to high/);
    expect(errorOf('netLatencyMs=10..50:0')).toMatch(/step above 0/);
    expect(errorOf('netLatencyMs=10,10')).toMatch(/listed twice/);
    expect(errorOf('netLatencyMs=1', 'netLatencyMs=2')).toMatch(/varied twice/);
    expect(errorOf('policy')).toMatch(/expected path=values/);
  });

  it('the CLI prints one error line and exits 1, before loading any city', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(
        process.execPath,
        ['bin/citytwin.js', 'sweep', PATH, '--vary', 'dispatch.policy=fastest', '--out', 'reports/never'],
        { encoding: 'utf8', stdio: 'pipe' },
      );
    } catch (err) {
      status = (err as { status: number }).status;
      stderr = (err as { stderr: string }).stderr;
    }
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'error: --vary dispatch.policy=fastest: expected one of "nearest", "batched", "push-pull", got "fastest"',
    ]);
  });
});
