import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { World } from '../../sim/world/world.ts';
import { monacoCity, scaledMonacoScenario } from './shared-city.ts';

const UNTIL = 8 * 3_600_000;
/** All five flows at a quarter of the default demand: the morning peak of a real day, quickly. */
const scenario = () => scaledMonacoScenario(0.25);

const hashes = new Map<number, Promise<string>>();

async function runHash(seed: number): Promise<string> {
  const world = new World(scenario(), await monacoCity(), { seed });
  world.run(UNTIL);
  const hash = world.log.digest();
  await world.close();
  return hash;
}

/** Each seed's hash from a fresh world, computed once per test file. */
function hashOf(seed: number): Promise<string> {
  let h = hashes.get(seed);
  if (!h) {
    h = runHash(seed);
    hashes.set(seed, h);
  }
  return h;
}

const dir = mkdtempSync(join(tmpdir(), 'citytwin-determinism-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('determinism (all five flows)', () => {
  it('same seed twice ⇒ same event-log hash; another seed ⇒ another hash', async () => {
    const a = await hashOf(42);
    const b = await runHash(42);
    const c = await hashOf(43);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('two worlds interleaved in one process give the hashes of separate runs', async () => {
    const city = await monacoCity();
    const w1 = new World(scenario(), city, { seed: 42 });
    const w2 = new World(scenario(), city, { seed: 43 });
    for (let t = 600_000; t <= UNTIL; t += 600_000) {
      w1.run(t);
      w2.run(t);
    }
    expect(w1.log.digest()).toBe(await hashOf(42));
    expect(w2.log.digest()).toBe(await hashOf(43));
    await w1.close();
    await w2.close();
  });

  it('a new process (the CLI) prints the same hash as this process', async () => {
    const file = join(dir, 'monaco-quarter.json');
    const s = scenario();
    writeFileSync(file, JSON.stringify({ ...s, city: { osm: resolve('data/monaco.osm.pbf') } }));
    const out = execFileSync(
      process.execPath,
      ['bin/citytwin.js', 'run', file, '--seed', '42', '--until', '8h', '--json'],
      { encoding: 'utf8' },
    );
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]);
    expect(result.eventLogHash).toBe(await hashOf(42));
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
    expect(Object.keys(result.kpis.byFlow).sort()).toEqual([
      'errand',
      'preorder',
      'rental',
      'robot',
      'trunk',
    ]);
    expect(result.kpis.invariantViolations).toBe(0);
  });
});
