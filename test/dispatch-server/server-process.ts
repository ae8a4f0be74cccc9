import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { DispatchClient } from '../../adapters/socketio/dispatch-client.ts';
import { mintToken } from '../../adapters/socketio/principal-token.ts';
import type { Role } from '../../adapters/socketio/wire-protocol.ts';
import type { RecordedCommand } from '../../sim/load/load-report.ts';

/** The secret every test server and client shares (tests only). */
export const SECRET = 'dispatch-test-secret-2f9c1a7e';
const BIN = new URL('../../bin/citytwin.js', import.meta.url).pathname;

/** A fresh directory for journals, removed by the returned function. */
export function scratchDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-dispatch-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

/** Runs `citytwin …` as a child process with the test secret in its environment. */
export function citytwin(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, CITYTWIN_DISPATCH_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts `citytwin dispatch-server` and resolves once it prints its URL (port 0 = any free port). */
export function startServer(db: string, port = 0, extra: readonly string[] = []): Promise<ServerProcess> {
  const child = citytwin(['dispatch-server', '--port', String(port), '--db', db, ...extra]);
  let err = '';
  let out = '';
  child.stderr?.on('data', (d) => (err += d));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dispatch-server did not start within 30 s: ${err}`));
    }, 30_000);
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:(\d+))/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ url: m[1], port: Number(m[2]), child, stderr: () => err, exited });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`dispatch-server exited (${code}) before listening: ${err}`));
    });
  });
}

export function token(id: string, role: Role | 'admin', ttlSeconds = 600): string {
  return mintToken(SECRET, { sub: id, role, ttlSeconds }, Date.now());
}

/** A connected client for principal `id` in `role`. */
export async function client(url: string, id: string, role: Role): Promise<DispatchClient> {
  const c = new DispatchClient({
    url,
    role,
    token: token(id, role),
    cidPrefix: `t-${id}`,
    attemptTimeoutMs: 2000,
    retryWindowMs: 15_000,
  });
  await c.connect();
  return c;
}

export interface ServerState {
  seq: number;
  orders: {
    steps: Record<string, number>;
    open: number;
    list?: {
      orderId: string;
      step: string;
      publisherId: string | null;
      courierId: string | null;
      couriers: string[];
      fee: number | null;
    }[];
  };
  escrow: { held: number; paidOut: number; refunded: number; commission: number; stillHeld: number };
  violations: string[];
  couriers: { registered: number; online: number; busy: number };
}

/** GET /state with an admin token. */
export async function stateOf(url: string, withOrders = false): Promise<ServerState> {
  const res = await fetch(`${url}/state${withOrders ? '?orders=1' : ''}`, {
    headers: { authorization: `Bearer ${token('ops', 'admin')}` },
  });
  if (res.status !== 200) throw new Error(`/state answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as ServerState;
}

/** Waits until `check` holds (polled), or fails after `ms`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface LoadProcess {
  readonly child: ChildProcess;
  /** Exit code, stdout and stderr once the driver has finished. */
  readonly done: Promise<{ code: number | string; stdout: string; stderr: string }>;
}

/** Runs `citytwin load --target url …` as a child process. */
export function startLoad(url: string, args: readonly string[]): LoadProcess {
  const child = citytwin(['load', '--target', url, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code: code ?? signal ?? 'unknown', stdout, stderr })),
  );
  return { child, done };
}

/** Reads the JSONL a load run wrote with `--record`. */
export function readRecords(path: string): RecordedCommand[] {
  const text = readFileSync(path, 'utf8').trim();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as RecordedCommand);
}

const OPENING = new Set(['trunk.order', 'preorder.place', 'rental.request']);

/**
 * What every load test checks the server's books against: each acknowledged command is in the
 * journal under its own sequence number, each journaled publish became exactly one tracked order,
 * each acknowledged order is there with its publisher, no order has two couriers, money balances.
 */
export function checkAgainstJournal(
  db: string,
  records: readonly RecordedCommand[],
  state: ServerState,
): void {
  const journal = new Database(db, { readonly: true });
  try {
    const seqOf = journal.prepare('SELECT seq FROM journal WHERE principal = ? AND cid = ?').pluck();
    for (const r of records)
      expect(seqOf.get(r.principal, r.cid), `${r.principal} ${r.cid} ${r.type}`).toBe(r.seq);
    const publishes = Number(
      journal.prepare("SELECT count(*) FROM journal WHERE type = 'errand.publish'").pluck().get(),
    );
    const list = state.orders.list ?? [];
    expect(list.filter((o) => o.orderId.startsWith('E'))).toHaveLength(publishes);
    const byId = new Map(list.map((o) => [o.orderId, o]));
    for (const r of records.filter((x) => x.type === 'errand.publish' && x.orderId))
      expect(byId.get(r.orderId ?? '')?.publisherId, r.orderId).toBe(r.principal);
    // every trunk delivery, preorder and rental the server acknowledged is on its books
    for (const r of records.filter((x) => OPENING.has(x.type) && x.orderId))
      expect(byId.get(r.orderId ?? ''), `${r.type} ${r.orderId}`).toBeDefined();
    const winners = new Map<string, string>();
    for (const r of records.filter((x) => x.type === 'errand.accept' && x.accepted)) {
      expect(winners.get(r.orderId ?? ''), `second winner of ${r.orderId}`).toBeUndefined();
      winners.set(r.orderId ?? '', r.principal);
    }
    for (const o of list) expect(new Set(o.couriers).size, o.orderId).toBeLessThanOrEqual(1);
    for (const [orderId, courier] of winners) expect(byId.get(orderId)?.couriers).toEqual([courier]);
  } finally {
    journal.close();
  }
  const e = state.escrow;
  expect(e.held).toBe(e.paidOut + e.refunded + e.commission + e.stillHeld);
  expect(state.violations).toEqual([]);
}
