import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { twinCommand } from '../../sim/check/check-command.ts';
import { EventLog, type LogEntry } from '../../sim/kernel/event-log.ts';
import { ReplayIndex } from '../../sim/twin/replay-index.ts';
import { ReplayLayout } from '../../sim/twin/replay-layout.ts';
import { readReplayLog } from '../../sim/twin/replay-log.ts';
import { ReplayView } from '../../sim/twin/replay-view.ts';

const DIR = 'test-artifacts/twin-replay';
const CITY = { minX: -1000, minY: -1000, maxX: 1000, maxY: 1000 };

/** A small run: two couriers race for one order, a message is duplicated, another dropped. */
const ENTRIES: LogEntry[] = [
  { t: 0, kind: 'state', actor: 'C1', state: 'idle' },
  { t: 0, kind: 'state', actor: 'C2', state: 'idle' },
  { t: 0, kind: 'state', actor: 'S1', state: 'open' },
  { t: 0, kind: 'state', actor: 'dispatch', state: 'serving' },
  {
    t: 50,
    kind: 'msg',
    from: 'C1',
    to: 'dispatch',
    msg: { type: 'courier.online', courierType: 'professional', position: { x: 100, y: 200 } },
  },
  { t: 100, kind: 'msg', from: 'dispatch', to: 'C1', msg: { type: 'errand.offer', orderId: 'E1' } },
  { t: 100, kind: 'state', actor: 'C1', state: 'accepting' },
  { t: 100, kind: 'fault', fault: 'duplicate', from: 'dispatch', to: 'C2', msg: { type: 'errand.offer' } },
  { t: 250, kind: 'fault', fault: 'drop', from: 'C2', to: 'dispatch', msg: { type: 'errand.accept' } },
  {
    t: 300,
    kind: 'msg',
    from: 'C1',
    to: 'dispatch',
    msg: { type: 'courier.position', position: { x: 150, y: 250 } },
  },
  { t: 300, kind: 'state', actor: 'C1', state: 'working' },
  { t: 400, kind: 'note', actor: 'C2', note: 'crashed' },
];

describe('the replay index answers for any instant of a log', () => {
  const index = new ReplayIndex(ENTRIES);

  it('a cursor at t covers every entry at or before t, however many share that time', () => {
    expect(index.cursorAt(-1)).toBe(0);
    expect(index.cursorAt(0)).toBe(4);
    expect(index.cursorAt(99)).toBe(5);
    expect(index.cursorAt(100)).toBe(8);
    expect(index.cursorAt(1e9)).toBe(ENTRIES.length);
    expect([index.startTime, index.endTime]).toEqual([0, 400]);
  });

  it("an actor's state at t is its last state entry at or before t", () => {
    const at = (id: string, t: number) => index.stateAt(id, index.cursorAt(t));
    expect(at('C1', 0)).toBe('idle');
    expect(at('C1', 99)).toBe('idle');
    expect(at('C1', 100)).toBe('accepting');
    expect(at('C1', 299)).toBe('accepting');
    expect(at('C1', 300)).toBe('working');
    expect(at('C2', 400)).toBe('idle');
    expect(index.stateAt('nobody', ENTRIES.length)).toBeNull();
    expect(index.ids).toEqual(['C1', 'C2', 'S1', 'dispatch']);
  });

  it('recent events up to t are the messages, faults and notes involving the actor, oldest first', () => {
    const c2 = index.recentAt('C2', index.cursorAt(400), 40);
    expect(c2.map((e) => e.kind)).toEqual(['state', 'fault', 'fault', 'note']);
    expect(index.recentAt('C2', index.cursorAt(249), 40).map((e) => e.kind)).toEqual(['state', 'fault']);
    expect(index.recentAt('C1', ENTRIES.length, 2).map((e) => e.t)).toEqual([300, 300]);
    expect(index.countsAt('dispatch', ENTRIES.length)).toEqual({ sent: 1, received: 2, faults: 2, notes: 0 });
  });

  it('the view at t reports where an actor said it was, its variant and the faults it saw', () => {
    const view = new ReplayView(index, new ReplayLayout(index, CITY));
    const c1 = view.actors().find((a) => a.id === 'C1')!;
    expect(c1).toEqual({ id: 'C1', kind: 'courier', variant: 'professional', moves: true });
    expect(view.actors().map((a) => a.id)).toEqual(['C1', 'C2', 'S1']);
    view.moveTo(100);
    expect(view.locate(c1)).toEqual({ x: 100, y: 200 });
    expect(view.state('C1')).toBe('accepting');
    expect(view.context('C2')).toMatchObject({ faults: 1 });
    view.moveTo(300);
    expect(view.locate(c1)).toEqual({ x: 150, y: 250 });
    view.moveTo(0);
    expect(view.state('C1')).toBe('idle');
    expect(view.recent('C2').map((e) => e.kind)).toEqual(['state']);
    expect(view.exists('dispatch') && view.kindOf('dispatch') === 'dispatch').toBe(true);
  });

  it('its hash at the end equals the digest the event log computed while it was written', async () => {
    mkdirSync(DIR, { recursive: true });
    const path = join(DIR, 'small.jsonl');
    const log = new EventLog(path);
    for (const e of ENTRIES) log.append(e);
    await log.close();
    const read = new ReplayIndex(await readReplayLog(path));
    expect(read.hashAt(ENTRIES.length)).toBe(log.digest());
    expect(read.hashAt(4)).not.toBe(log.digest());
  });

  it('its hash at any cursor of a long log equals the digest the run had after that many lines', () => {
    const log = new EventLog();
    const entries: LogEntry[] = [];
    const digests = new Map<number, string>();
    for (let i = 0; i < 40_000; i++) {
      const entry: LogEntry = { t: i * 10, kind: 'state', actor: `C${i % 7}`, state: `s${i % 5}` };
      entries.push(entry);
      log.append(entry);
      if ([1, 16_383, 16_384, 16_385, 33_000, 40_000].includes(i + 1)) digests.set(i + 1, log.digest());
    }
    const long = new ReplayIndex(entries);
    for (const cursor of [33_000, 1, 16_385, 40_000, 16_384, 16_383])
      expect(long.hashAt(cursor), `after ${cursor} lines`).toBe(digests.get(cursor));
  });
});

describe('a malformed log is a user error naming the line and what was expected', () => {
  const bad = (name: string, text: string) => {
    mkdirSync(DIR, { recursive: true });
    const path = join(DIR, name);
    writeFileSync(path, text);
    return path;
  };
  const good = `${JSON.stringify(ENTRIES[0])}\n`;

  it('names the line that is not JSON, the field that is wrong, a step back in time', async () => {
    await expect(readReplayLog(bad('not-json.jsonl', `${good}{"t":1,\n`))).rejects.toThrow(
      /not-json\.jsonl:2: expected a JSON object \{t, kind: .*not JSON/,
    );
    await expect(
      readReplayLog(bad('no-to.jsonl', `${good}${good}{"t":3,"kind":"msg","from":"C1","msg":{}}\n`)),
    ).rejects.toThrow(/no-to\.jsonl:3: to: .*expected string/);
    await expect(readReplayLog(bad('kind.jsonl', '{"t":0,"kind":"teleport"}\n'))).rejects.toThrow(
      /kind\.jsonl:1: kind: /,
    );
    await expect(
      readReplayLog(bad('back.jsonl', `{"t":5,"kind":"note","actor":"x","note":"n"}\n${good}`)),
    ).rejects.toThrow(/back\.jsonl:2: t: expected a time at or after the previous line's 5, got 0/);
    await expect(readReplayLog(join(DIR, 'missing.jsonl'))).rejects.toThrow(/--log: .*missing file/);
  });

  it('citytwin serve --log on it exits 1 with that message and no stack trace', () => {
    const path = bad('cli.jsonl', `${good}oops\n`);
    const r = spawnSync(process.execPath, ['bin/citytwin.js', 'serve', '--log', path, '--port', '0'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: ${path}:2: expected a JSON object`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the twin command citytwin check prints for its failing log', () => {
  it('names the log relative to here when it is below, quoted when the shell needs it', () => {
    expect(twinCommand(resolve('citytwin-check-7.jsonl'))).toBe(
      'npx citytwin serve --log citytwin-check-7.jsonl',
    );
    expect(twinCommand(resolve('logs/a b.jsonl'))).toBe("npx citytwin serve --log 'logs/a b.jsonl'");
    expect(twinCommand("/elsewhere/it's.jsonl")).toBe("npx citytwin serve --log '/elsewhere/it'\\''s.jsonl'");
  });
});
