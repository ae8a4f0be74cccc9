import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARS, COURIERS, CUSTOMERS, STORES } from '../../sim/check/bench-town.ts';
import { DEFAULT_RUNS, twinCommand } from '../../sim/check/check-command.ts';
import { checkProtocol } from '../../sim/check/check-run.ts';
import type { LogEntry } from '../../sim/kernel/event-log.ts';
import { MUTANTS } from '../protocol/mutants.ts';
import { openViewer } from './browser-checks.ts';
import { launchChromium } from './chromium.ts';
import { startTwin, type TwinProcess } from './twin-process.ts';

const DIR = 'test-artifacts/twin-replay';
const TOKEN = 'replay-test-token';

/** Every actor of the check town, by the kind the twin draws it as (from bench-town.ts, not the log). */
const TOWN_COUNTS = {
  store: STORES.length,
  courier: COURIERS.length,
  customer: CUSTOMERS.length,
  vehicle: CARS.length,
  beacon: CARS.filter((c) => c.beaconId !== null).length,
  robot: 1,
};

let twin: TwinProcess;
let browser: Browser;
let page: Page;
let lines: string[];
let entries: LogEntry[];
const errors: string[] = [];

/** What the log says an actor's state was at `t`: its last state entry at or before t. */
function stateAt(id: string, t: number): string {
  let state = 'unknown';
  for (const e of entries) if (e.t <= t && e.kind === 'state' && e.actor === id) state = e.state;
  return state;
}

/** The event-log hash the original run had at `t`: SHA-256 of its lines up to t. */
function hashAt(t: number): string {
  const hash = createHash('sha256');
  entries.forEach((e, i) => {
    if (e.t <= t) hash.update(`${lines[i]}\n`);
  });
  return hash.digest('hex');
}

async function seek(time: number): Promise<void> {
  const reply = await page.evaluate((t) => window.citytwin.control({ action: 'seek', time: t }), time);
  expect(reply).toEqual({ ok: true, simTime: time, eventLogHash: hashAt(time) });
  await page.waitForFunction((t) => window.citytwin.simTime === t, time);
}

/** Selects each actor in turn, as a click does, and returns the state and time its panel got. */
async function inspectStates(ids: readonly string[]): Promise<Record<string, { state: string; t: number }>> {
  const shown = await page.evaluate(async (list) => {
    const out: Record<string, { state: string; t: number } | null> = {};
    for (const id of list) {
      const r = await window.citytwin.select(id);
      out[id] = r && { state: r.state, t: r.simTime };
    }
    return out;
  }, ids);
  for (const id of ids) expect(shown[id], id).not.toBeNull();
  return shown as Record<string, { state: string; t: number }>;
}

// A real failing run: the harness against a broken machine (seed 17) writes its log, and the
// command `citytwin check` prints for it opens that log in a real `citytwin serve` process.
beforeAll(async () => {
  const broken = MUTANTS.find((m) => m.mutant.name === 'replayed-beacon-accepted')!;
  const report = await checkProtocol({ ...broken, runs: DEFAULT_RUNS, seed: 17, logDir: DIR });
  const logPath = report.counterexample!.logPath;
  lines = readFileSync(logPath, 'utf8').trim().split('\n');
  entries = lines.map((l) => JSON.parse(l) as LogEntry);
  const command = twinCommand(logPath);
  expect(command).toMatch(/^npx citytwin serve --log \S+$/);
  const args = command.replace(/^npx citytwin serve /, '').split(' ');
  [twin, browser] = await Promise.all([startTwin([...args, '--token', TOKEN]), launchChromium()]);
  page = await openViewer(browser, `${twin.url}?token=${TOKEN}`, errors);
});

afterAll(async () => {
  await browser?.close();
  if (!twin) return;
  const code = await twin.stop();
  if (code !== 0 && code !== null)
    throw new Error(`citytwin serve --log exited with ${code}:\n${twin.output()}`);
});

describe('a failing check run opened in the twin (citytwin serve --log)', () => {
  it('draws every actor of the log, by kind', async () => {
    const logged = new Set(entries.flatMap((e) => (e.kind === 'state' ? [e.actor] : [])));
    expect(await page.evaluate(() => window.citytwin.actors)).toEqual(TOWN_COUNTS);
    const drawn = await page.evaluate(() => window.citytwin.ids());
    expect(drawn.every((id) => logged.has(id))).toBe(true);
    expect(await page.evaluate(() => window.citytwin.classes)).toMatchObject({
      'courier:professional': 2,
      'courier:ordinary': 1,
    });
    mkdirSync(DIR, { recursive: true });
    await page.screenshot({ path: `${DIR}/replay.png` });
    // The timeline spans the recording, not a day, and there are no live KPIs to show.
    const end = entries[entries.length - 1].t;
    await page.waitForFunction(() => (document.getElementById('seek') as HTMLInputElement).step === 'any');
    expect(await page.evaluate(() => Number((document.getElementById('seek') as HTMLInputElement).max))).toBe(
      end / 1000,
    );
    expect(await page.locator('#kpi-section').isHidden()).toBe(true);
  });

  it('selecting an actor shows its statechart state at the current replay time', async () => {
    await page.evaluate(() => window.citytwin.control({ action: 'pause' }));
    await page.waitForFunction(() => window.citytwin.clock?.paused === true);
    for (const [id, { state, t }] of Object.entries(await inspectStates(['C1', 'S1', 'V1', 'RB1'])))
      expect(state, `${id} at ${t}`).toBe(stateAt(id, t));
    await expect.poll(() => page.locator('#inspect-id').textContent()).toBe('RB1');
    await expect
      .poll(() => page.locator('[data-testid=inspect-state]').textContent())
      .toBe(stateAt('RB1', await page.evaluate(() => window.citytwin.simTime)));
  });

  it('a seek, forward or back, shows every actor as the log had it at that time', async () => {
    const ids = await page.evaluate(() => window.citytwin.ids());
    const end = entries[entries.length - 1].t;
    // a drawn actor's state change mid-run: seeking just before it and to it must show a difference
    const changes = entries.filter(
      (e) => e.kind === 'state' && e.t > 0 && ids.includes(e.actor) && stateAt(e.actor, e.t - 1) !== e.state,
    );
    expect(changes.length).toBeGreaterThan(2);
    const mid = changes[Math.floor(changes.length / 2)].t;
    for (const t of [end, mid - 1, mid, 0]) {
      await seek(t);
      for (const [id, shown] of Object.entries(await inspectStates(ids)))
        expect(shown, id).toEqual({ state: stateAt(id, t), t });
    }
  });

  it("the injected fault shows in the inspector's recent events from its time on", async () => {
    const fault = entries.find((e): e is Extract<LogEntry, { kind: 'fault' }> => e.kind === 'fault');
    expect(fault, 'the failing run had a network fault').toBeDefined();
    const ids = await page.evaluate(() => window.citytwin.ids());
    const id = ids.includes(fault!.from) ? fault!.from : fault!.to;
    const line = `${fault!.fault} ${fault!.from} → ${fault!.to}`;
    await seek(fault!.t - 1);
    await page.evaluate((i) => window.citytwin.select(i), id);
    expect(await page.evaluate(() => window.citytwin.inspection!.recent.map((e) => e.kind))).not.toContain(
      'fault',
    );
    await seek(fault!.t);
    const recent = await page.evaluate((i) => window.citytwin.select(i).then((r) => r!.recent), id);
    expect(recent.filter((e) => e.kind === 'fault').map((e) => e.text)).toEqual([
      expect.stringContaining(line),
    ]);
    await expect.poll(() => page.locator('#inspect-recent .fault').textContent()).toContain(line);
    await page.screenshot({ path: `${DIR}/replay-fault.png` });
  });

  it('play runs the replay forward and it stops at the log end', async () => {
    const end = entries[entries.length - 1].t;
    await seek(0);
    await page.evaluate(() => window.citytwin.control({ action: 'speed', speed: 100 }));
    await page.evaluate(() => window.citytwin.control({ action: 'play' }));
    await page.waitForFunction(() => window.citytwin.simTime > 0);
    await page.waitForFunction(
      (t) => window.citytwin.clock?.paused === true && window.citytwin.simTime === t,
      end,
      { timeout: 30_000 },
    );
    expect((await inspectStates(['C1'])).C1).toEqual({ state: stateAt('C1', end), t: end });
    expect(errors).toEqual([]);
  });
});
