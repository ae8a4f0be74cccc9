import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario, type ScenarioError } from '../../sim/scenario/load-scenario.ts';
import {
  citytwin,
  type ServerProcess,
  scratchDir,
  startServer,
  stateOf,
} from '../dispatch-server/server-process.ts';
import { freePort } from './mosquitto.ts';

/** The small twin fixture (200 customers, 40 couriers on shift all day, ~1 errand a sim minute). */
function scenarioWith(adapters: unknown): Record<string, unknown> {
  const raw = JSON.parse(readFileSync('test/twin/fixtures/twin-small.json', 'utf8'));
  raw.city.osm = resolve('data/monaco.osm.pbf');
  raw.demand.errand.disputeShare = 0;
  raw.demand.errand.cancelAfterAssignShare = 0;
  raw.adapters = adapters;
  return raw;
}

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** `citytwin run` on a scenario file in its own process (the test secret in its environment). */
function runScenario(dir: string, scenario: unknown, args: readonly string[]): Promise<Run> {
  const path = join(dir, `scenario-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(scenario));
  const child = citytwin(['run', path, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((done) =>
    child.once('exit', (code, signal) => done({ code: code ?? signal ?? 'unknown', stdout, stderr })),
  );
}

describe('dispatch adapter: the world talks to a remote dispatch server over socket.io', () => {
  const scratch = scratchDir();
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(join(scratch.dir, 'journal.sqlite'));
  });
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    scratch.remove();
  });

  it('simulated couriers and customers complete errands on the server; money is conserved', async () => {
    const scenario = scenarioWith({ dispatch: { kind: 'socketio', url: server.url } });
    // 30 sim minutes at 200× wall time: 9 wall seconds, some thirty errands published
    const run = await runScenario(scratch.dir, scenario, ['--until', '30m', '--speed', '200', '--json']);
    expect(run.stderr).toContain(`dispatch over ${server.url}`);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      remoteDispatch: {
        principals: number;
        commands: number;
        errors: Record<string, number>;
        received: Record<string, number>;
        closed: Record<string, number>;
      };
      kpis: { byFlow: Record<string, { created: number }> };
    };
    const remote = result.remoteDispatch;
    // nothing the world sent was malformed, oversized or forbidden, and nothing crashed the server
    for (const kind of ['malformed', 'oversized', 'unknown_type', 'forbidden', 'internal', 'unreachable'])
      expect(remote.errors[kind] ?? 0, kind).toBe(0);
    // the errands ran on the server, not in the world's own dispatch
    expect(result.kpis.byFlow.errand?.created ?? 0).toBe(0);
    // every courier and customer of the scenario connected as its own principal
    expect(remote.principals).toBe(240);
    expect(remote.received['errand.offer'] ?? 0).toBeGreaterThan(0);

    const state = await stateOf(server.url, true);
    const errands = (state.orders.list ?? []).filter((o) => o.orderId.startsWith('E'));
    const completed = errands.filter((o) => o.step === 'completed');
    expect(completed.length).toBeGreaterThan(0);
    // customers heard of every completion they count, and only of real ones
    expect(remote.closed.completed ?? 0).toBeGreaterThan(0);
    expect(remote.closed.completed ?? 0).toBeLessThanOrEqual(completed.length);
    // only simulated customers published, and each order had at most one courier, a simulated one
    for (const o of errands) {
      expect(o.publisherId ?? '', o.orderId).toMatch(/^U\d+$/);
      expect(o.couriers.length, o.orderId).toBeLessThanOrEqual(1);
      for (const c of o.couriers) expect(c).toMatch(/^C[PO]\d+$/);
    }
    const e = state.escrow;
    expect(e.held).toBeGreaterThan(0);
    expect(e.paidOut).toBeGreaterThan(0);
    expect(e.held).toBe(e.paidOut + e.refunded + e.commission + e.stillHeld);
    expect(state.violations).toEqual([]);
  }, 90_000);

  it('a server that refuses our token: exit 1 naming the field and the URL, no stack', async () => {
    const secretFile = join(scratch.dir, 'wrong-secret');
    writeFileSync(secretFile, 'not-the-server-secret\n');
    const scenario = scenarioWith({ dispatch: { kind: 'socketio', url: server.url, secretFile } });
    const run = await runScenario(scratch.dir, scenario, ['--until', '1m']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`adapters["dispatch"].secretFile: the dispatch server at ${server.url}`);
    expect(run.stderr).toContain('refused our token');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('dispatch adapter: errors before any run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-remote-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an unreachable server: exit 1 naming adapters["dispatch"].url and the URL, no stack', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runScenario(dir, scenarioWith({ dispatch: { kind: 'socketio', url } }), [
      '--until',
      '1m',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`adapters["dispatch"].url: cannot reach the dispatch server at ${url}`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('bad dispatch entries name the field and what was expected', () => {
    const problems = (adapters: unknown) => {
      try {
        parseScenario(scenarioWith(adapters), 's');
        return [];
      } catch (err) {
        return [...(err as ScenarioError).problems];
      }
    };
    expect(problems({ dispatch: { kind: 'socketio', url: 'http://127.0.0.1:7400' } })).toEqual([]);
    expect(problems({ dispatch: { kind: 'mqtt', url: 'mqtt://h:1883' } })).toEqual([
      'adapters["dispatch"].kind: expected "socketio" or "sim" for dispatch, got "mqtt"',
    ]);
    expect(problems({ 'courier:CP1': { kind: 'socketio', url: 'http://h:1' } })).toEqual([
      'adapters["courier:CP1"].kind: expected "socketio" only for the "dispatch" entry, got it for courier',
    ]);
    expect(problems({ dispatch: { kind: 'socketio', url: 'ftp://h' } }).join('\n')).toMatch(
      /adapters\.dispatch\.url: expected a server URL like http:\/\/127\.0\.0\.1:7400/,
    );
    expect(problems({ dispatcher: { kind: 'sim' } })).toEqual([
      'adapters.dispatcher: expected "kind:id" (e.g. "vehicle:V12") or "dispatch", got "dispatcher"',
    ]);
  });
});
