import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, ScenarioError } from '../../sim/scenario/load-scenario.ts';

type Json = Record<string, unknown>;
const base = JSON.parse(readFileSync('scenarios/monaco.json', 'utf8')) as Json;
const dir = mkdtempSync(join(tmpdir(), 'citytwin-scenarios-'));

/** A copy of the default scenario with one mutation applied, written to its own file. */
function broken(name: string, mutate: (s: Json) => void): string {
  const copy = structuredClone(base) as Json;
  mutate(copy);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(copy));
  return file;
}

const at = (s: Json, ...keys: string[]): Json => keys.reduce((o, k) => o[k] as Json, s);

const table: { name: string; file: () => string; messages: string[] }[] = [
  {
    name: 'seed is a string',
    file: () => broken('seed-string', (s) => (s.seed = 'forty-two')),
    messages: ['seed: expected number, got "forty-two"'],
  },
  {
    name: 'negative courier count',
    file: () => broken('neg-couriers', (s) => (at(s, 'fleet', 'couriers', 'professional').count = -3)),
    messages: ['fleet.couriers.professional.count: expected >= 0, got number -3'],
  },
  {
    name: 'zero batch interval (must be strictly positive)',
    file: () => broken('batch-zero', (s) => (at(s, 'dispatch').batchSeconds = 0)),
    messages: ['dispatch.batchSeconds: expected > 0, got number 0'],
  },
  {
    name: 'unknown dispatch policy',
    file: () => broken('policy', (s) => (at(s, 'dispatch').policy = 'random')),
    messages: ['dispatch.policy: expected one of "nearest", "batched", "push-pull", got "random"'],
  },
  {
    name: 'hourly profile with 23 hours',
    file: () => broken('hourly', (s) => (at(s, 'demand', 'errand').hourly = new Array(23).fill(1))),
    messages: ['demand.errand.hourly: expected exactly 24 items, got an array of 23'],
  },
  {
    name: 'store in an area that does not exist',
    file: () =>
      broken('store-area', (s) => {
        (at(s, 'stores').list as Json[])[1].area = 'north';
      }),
    messages: ['stores.list[1].area: expected one of the coverage area ids, got "north"'],
  },
  {
    name: 'duplicate coverage area id',
    file: () =>
      broken('dup-area', (s) => {
        const areas = s.coverageAreas as Json[];
        areas[2].id = areas[0].id;
      }),
    messages: ['coverageAreas[2].id: expected a unique id, got duplicate "west"'],
  },
  {
    name: 'a shift that starts when it ends',
    file: () =>
      broken('shift', (s) => {
        (at(s, 'fleet', 'couriers').shifts as Json[])[0].end = '06:00';
      }),
    messages: ['fleet.couriers.shifts[0]: expected start != end, got both 06:00'],
  },
  {
    name: 'a misspelt top-level field and a missing one together',
    file: () =>
      broken('two-problems', (s) => {
        s.sede = 1;
        delete s.fleet;
      }),
    messages: [
      'fleet: expected object, got nothing',
      '(root): expected no field "sede", got it (unknown field)',
    ],
  },
  {
    name: 'not JSON at all',
    file: () => {
      const file = join(dir, 'not-json.json');
      writeFileSync(file, '{ "name": "x", ');
      return file;
    },
    messages: ['(file): expected valid JSON, got'],
  },
  {
    name: 'missing file',
    file: () => join(dir, 'nope.json'),
    messages: ['(file): expected a readable scenario file, got ENOENT'],
  },
];

describe('scenario validation: a table of broken files', () => {
  it('accepts the default Monaco scenario', () => {
    expect(loadScenario('scenarios/monaco.json').coverageAreas.length).toBeGreaterThanOrEqual(3);
  });

  for (const row of table) {
    it(`rejects ${row.name}`, () => {
      const file = row.file();
      let error: unknown;
      try {
        loadScenario(file);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ScenarioError);
      const problems = (error as ScenarioError).problems;
      for (const message of row.messages) expect(problems.some((p) => p.startsWith(message))).toBe(true);
      expect(problems.length).toBe(row.messages.length);
    });
  }

  it('the CLI prints every problem, exits 1 and shows no stack trace', () => {
    const row = table.find((r) => r.name.startsWith('a misspelt top-level field'));
    const file = row!.file();
    const out = spawnSync(process.execPath, ['bin/citytwin.js', 'validate', file], { encoding: 'utf8' });
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('2 problems');
    expect(out.stderr).toContain('fleet: expected object, got nothing');
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
