import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInstance, MdrpInstanceError } from '../../sim/mdrp/instance.ts';
import { HAND_CASE, type TinyInstance, tempDir, writeInstance } from './fixtures.ts';

/** A copy of the hand case with one change, written to its own folder. */
function broken(name: string, change: (dir: string, instance: TinyInstance) => void): string {
  const instance = structuredClone(HAND_CASE);
  const dir = tempDir(name);
  change(dir, instance);
  return dir;
}

const table: { name: string; dir: () => string; message: string }[] = [
  {
    name: 'missing couriers.txt',
    dir: () =>
      broken('missing', (dir, i) => {
        writeInstance(dir, i);
        rmSync(join(dir, 'couriers.txt'));
      }),
    message: 'couriers.txt: missing in',
  },
  {
    name: 'orders.txt with a column renamed',
    dir: () =>
      broken('columns', (dir, i) => {
        writeInstance(dir, i);
        writeFileSync(
          join(dir, 'orders.txt'),
          'order\tx\ty\tplaced\trestaurant\tready_time\no1\t0\t500\t10\tr1\t20\n',
        );
      }),
    message:
      'orders.txt:1: expected the tab-separated columns "order | x | y | placement_time | restaurant | ready_time", got "order | x | y | placed | restaurant | ready_time"',
  },
  {
    name: 'a line with a field missing',
    dir: () =>
      broken('fields', (dir, i) => {
        writeInstance(dir, i);
        writeFileSync(
          join(dir, 'couriers.txt'),
          'courier\tx\ty\ton_time\toff_time\nc1\t300\t0\t0\t120\nc2\t0\t1000\t0\n',
        );
      }),
    message: 'couriers.txt:3: expected 5 tab-separated fields (courier, x, y, on_time, off_time), got 4',
  },
  {
    name: 'an order of an unknown restaurant',
    dir: () =>
      broken('restaurant', (dir, i) =>
        writeInstance(dir, { ...i, orders: [i.orders[0], ['o2', 0, 1, 12, 'r9', 24]] }),
      ),
    message: 'orders.txt:3: restaurant: expected an id listed in restaurants.txt, got "r9"',
  },
  {
    name: 'a negative placement time',
    dir: () =>
      broken('negative', (dir, i) =>
        writeInstance(dir, { ...i, orders: [['o1', 0, 500, -5, 'r1', 20], i.orders[1]] }),
      ),
    message: 'orders.txt:2: placement_time: expected a time >= 0, got -5',
  },
  {
    name: 'a time that is not a number',
    dir: () =>
      broken('nan', (dir, i) =>
        writeInstance(dir, {
          ...i,
          couriers: [i.couriers[0], ['c2', 0, 1000, 0, 'noon' as unknown as number]],
        }),
      ),
    message: 'couriers.txt:3: off_time: expected a number, got "noon"',
  },
  {
    name: 'ready before placement',
    dir: () =>
      broken('ready', (dir, i) =>
        writeInstance(dir, { ...i, orders: [['o1', 0, 500, 10, 'r1', 8], i.orders[1]] }),
      ),
    message: 'orders.txt:2: ready_time: expected >= placement_time 10, got 8',
  },
  {
    name: 'a shift that ends before it starts',
    dir: () =>
      broken('shift', (dir, i) =>
        writeInstance(dir, { ...i, couriers: [['c1', 300, 0, 60, 30], i.couriers[1]] }),
      ),
    message: 'couriers.txt:2: off_time: expected >= on_time 60, got 30',
  },
  {
    name: 'an id used twice across files',
    dir: () =>
      broken('dup', (dir, i) =>
        writeInstance(dir, { ...i, couriers: [['r1', 300, 0, 0, 120], i.couriers[1]] }),
      ),
    message: 'couriers.txt:2: courier: expected a unique id, "r1" is already restaurants.txt:2',
  },
  {
    name: 'zero speed',
    dir: () => broken('speed', (dir, i) => writeInstance(dir, { ...i, params: [0, 4, 4, 40, 90, 10, 15] })),
    message: 'instance_parameters.txt:2: meters_per_minute: expected > 0, got 0',
  },
];

describe('importing an instance folder', () => {
  for (const row of table)
    it(`rejects ${row.name}, naming the file and line`, () => {
      const dir = row.dir();
      expect(() => loadInstance(dir)).toThrow(MdrpInstanceError);
      expect(() => loadInstance(dir)).toThrow(row.message);
    });

  it('accepts the hand case', () => {
    expect(loadInstance(writeInstance(tempDir('ok'), HAND_CASE)).orders).toHaveLength(2);
  });
});

describe('citytwin mdrp solve on a bad folder', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['bin/citytwin.js', 'mdrp', 'solve', ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });

  for (const row of table.filter((r) => /missing couriers|unknown restaurant|negative/.test(r.name)))
    it(`exits 1 with one line naming file and line: ${row.name}`, () => {
      const r = cli([row.dir(), '--policy', 'greedy']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`error: ${row.message}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });

  it('solves a good folder: the solution files and one JSON object with the measures', () => {
    const dir = writeInstance(tempDir('cli-good'), HAND_CASE);
    const out = join(tempDir('cli-out'), 'sol');
    const r = cli([dir, '--policy', 'rolling', '--out', out, '--json']);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      delivered: 2,
      total: 2,
      clickToDoor: { mean: 20.5 },
      costPerOrder: 30,
      ordersPerBundle: 1,
    });
    for (const key of [
      'clickToDoorOverage',
      'readyToPickup',
      'readyToDoor',
      'utilization',
      'wallSeconds',
      'eventLogHash',
    ])
      expect(json).toHaveProperty(key);
    expect(readFileSync(join(out, 'solution_info_assignments.txt'), 'utf8')).toContain('15 20 c1 o1');
  });

  it('exits 1 on an unknown parameter', () => {
    const dir = writeInstance(tempDir('cli-ok'), HAND_CASE);
    const r = cli([dir, '--policy', 'rolling', '--set', 'horizon=3']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error: --set horizon=3: expected a rolling parameter');
  });
});
