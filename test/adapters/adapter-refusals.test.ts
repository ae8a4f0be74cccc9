import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The small twin fixture with one `adapters` entry, written where the CLI can read it. */
function scenarioWith(adapters: Record<string, unknown>): string {
  const raw = JSON.parse(readFileSync('test/twin/fixtures/twin-small.json', 'utf8'));
  raw.city.osm = resolve('data/monaco.osm.pbf');
  raw.fleet.vehicles = { count: 15 };
  raw.adapters = adapters;
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-refusal-'));
  const path = join(dir, 'scenario.json');
  writeFileSync(path, JSON.stringify(raw));
  return path;
}

function citytwin(args: string[]) {
  return spawnSync(process.execPath, ['bin/citytwin.js', ...args], { encoding: 'utf8', timeout: 60_000 });
}

const remoteDispatch = { dispatch: { kind: 'socketio', url: 'http://127.0.0.1:9' } };

describe('commands that cannot drive an adapter refuse it, naming the entry', () => {
  it('citytwin serve with a remote dispatch entry: exit 1, names adapters.dispatch and why, no stack', () => {
    const out = citytwin(['serve', scenarioWith(remoteDispatch), '--port', '0']);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain(
      'adapters.dispatch.kind: citytwin serve cannot use "socketio" (the twin runs dispatch itself)',
    );
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('citytwin sweep with a remote dispatch or a real device: exit 1, names the entry, writes nothing', () => {
    const out = mkdtempSync(join(tmpdir(), 'citytwin-refusal-out-'));
    const sweep = (adapters: Record<string, unknown>) =>
      citytwin(['sweep', scenarioWith(adapters), '--vary', 'seed=1,2', '--out', join(out, 'r')]);
    const remote = sweep(remoteDispatch);
    expect(remote.status).toBe(1);
    expect(remote.stderr).toContain('adapters.dispatch.kind: citytwin sweep cannot use "socketio"');
    const device = sweep({ 'vehicle:V12': { kind: 'mqtt', url: 'mqtt://127.0.0.1:9' } });
    expect(device.status).toBe(1);
    expect(device.stderr).toContain('adapters["vehicle:V12"].kind: citytwin sweep cannot use "mqtt"');
    expect(device.stderr).not.toMatch(/\n\s+at /);
    expect(() => readFileSync(join(out, 'r', 'results.json'))).toThrow();
  });
});
