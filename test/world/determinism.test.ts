import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { World } from '../../sim/world/world.ts';
import { monacoCity, monacoScenario } from './shared-city.ts';

const UNTIL = 9 * 3_600_000;

async function runHash(seed: number): Promise<string> {
  const world = new World(monacoScenario(), await monacoCity(), { seed });
  world.run(UNTIL);
  const hash = world.log.digest();
  await world.close();
  return hash;
}

describe('determinism', () => {
  it('same seed twice ⇒ same event-log hash; another seed ⇒ another hash', async () => {
    const a = await runHash(42);
    const b = await runHash(42);
    const c = await runHash(43);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('two worlds interleaved in one process give the hashes of separate runs', async () => {
    const city = await monacoCity();
    const w1 = new World(monacoScenario(), city, { seed: 42 });
    const w2 = new World(monacoScenario(), city, { seed: 43 });
    for (let t = 600_000; t <= UNTIL; t += 600_000) {
      w1.run(t);
      w2.run(t);
    }
    expect(w1.log.digest()).toBe(await runHash(42));
    expect(w2.log.digest()).toBe(await runHash(43));
  });

  it('a new process (the CLI) prints the same hash as this process', async () => {
    const out = execFileSync(
      process.execPath,
      ['bin/citytwin.js', 'run', 'scenarios/monaco.json', '--seed', '42', '--until', '9h', '--json'],
      { encoding: 'utf8' },
    );
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]);
    expect(result.eventLogHash).toBe(await runHash(42));
    for (const key of ['seed', 'until', 'simSeconds', 'wallSeconds', 'events', 'eventLogHash', 'kpis'])
      expect(result).toHaveProperty(key);
    for (const key of [
      'orders',
      'byFlow',
      'waitMinutes',
      'fulfilmentMinutes',
      'onTimeRate',
      'courierUtilization',
      'escrow',
    ])
      expect(result.kpis).toHaveProperty(key);
    expect(result.kpis.invariantViolations).toBe(0);
  });
});
