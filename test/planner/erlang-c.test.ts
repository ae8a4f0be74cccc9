import { describe, expect, it } from 'vitest';
import { erlangC } from '../../sim/planner/erlang-c.ts';

/** The textbook closed form, with factorials: fine for the small c used here. */
function closedForm(lambda: number, mu: number, c: number): { p: number; wq: number } {
  const a = lambda / mu;
  const rho = a / c;
  let fact = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    if (k > 0) fact *= k;
    sum += a ** k / fact;
  }
  const top = a ** c / (fact * c) / (1 - rho);
  const p = top / (sum + top);
  return { p, wq: p / (c * mu - lambda) };
}

describe('Erlang-C', () => {
  it('M/M/1 reduces to P(wait) = ρ and W_q = ρ/(μ − λ)', () => {
    const r = erlangC(50, 60, 1);
    expect(r.probabilityOfWait).toBeCloseTo(50 / 60, 12);
    expect(r.meanWait * 60).toBeCloseTo(5, 10);
    expect(r.utilisation).toBeCloseTo(50 / 60, 12);
  });

  it('M/M/2 with a = 1 erlang: P(wait) = 1/3, W_q = 1/3', () => {
    const r = erlangC(1, 1, 2);
    expect(r.probabilityOfWait).toBeCloseTo(1 / 3, 12);
    expect(r.meanWait).toBeCloseTo(1 / 3, 12);
    expect(r.meanQueueLength).toBeCloseTo(1 / 3, 12);
  });

  it('the call-centre table value: 10 erlangs on 11 agents wait with probability 0.6821', () => {
    expect(erlangC(10, 1, 11).probabilityOfWait).toBeCloseTo(0.6821, 4);
  });

  it('matches the closed form with factorials for c = 1..12', () => {
    for (let c = 1; c <= 12; c++) {
      for (const rho of [0.3, 0.7, 0.95]) {
        const lambda = rho * c * 20;
        const r = erlangC(lambda, 20, c);
        const f = closedForm(lambda, 20, c);
        expect(r.probabilityOfWait).toBeCloseTo(f.p, 10);
        expect(r.meanWait).toBeCloseTo(f.wq, 10);
      }
    }
  });

  it('stays finite for hundreds of servers, where a^c and c! overflow', () => {
    const r = erlangC(950, 1, 1000);
    expect(Number.isFinite(r.probabilityOfWait)).toBe(true);
    expect(r.probabilityOfWait).toBeGreaterThan(0);
    expect(r.probabilityOfWait).toBeLessThan(1);
  });

  it('refuses an unstable queue and bad parameters', () => {
    expect(() => erlangC(120, 60, 2)).toThrow(/unstable/);
    expect(() => erlangC(0, 60, 2)).toThrow(/positive/);
    expect(() => erlangC(10, 60, 1.5)).toThrow(/integer/);
  });
});
