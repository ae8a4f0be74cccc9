import type { Kernel } from '../kernel/kernel.ts';
import type { NetMessage } from '../kernel/net.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Population } from './population.ts';
import { clockToMs } from './time-of-day.ts';

const DAY_MS = 86_400_000;

/** What the daily rhythm needs from the world: who works and opens when, the clock, and delivery. */
export interface DayScheduleWorld {
  readonly scenario: Scenario;
  readonly kernel: Kernel;
  readonly population: Population;
  inject(id: string, event: NetMessage): void;
}

/**
 * The city's daily rhythm: each courier's shift start and end, each store's opening and closing
 * (unless stores never close), and at midnight the next day's. One day is scheduled at a time so
 * a run of any length holds only a day's worth of these events. Its own file because the rhythm
 * of days is a concept apart from building actors.
 */
export function scheduleDays(w: DayScheduleWorld, day: number): void {
  const base = day * DAY_MS;
  for (const p of w.population.couriers) {
    const start = base + p.shiftStart;
    const end = base + (p.shiftEnd > p.shiftStart ? p.shiftEnd : p.shiftEnd + DAY_MS);
    w.kernel.schedule(start, () => w.inject(p.id, { type: 'shift.start' }));
    w.kernel.schedule(end, () => w.inject(p.id, { type: 'shift.end' }));
  }
  const opens = clockToMs(w.scenario.stores.opens);
  const closes = clockToMs(w.scenario.stores.closes);
  if (!(opens === 0 && closes === DAY_MS)) {
    for (const s of w.population.stores) {
      w.kernel.schedule(base + opens, () => w.inject(s.id, { type: 'store.open' }));
      w.kernel.schedule(base + closes, () => w.inject(s.id, { type: 'store.close' }));
    }
  }
  w.kernel.schedule(base + DAY_MS, () => scheduleDays(w, day + 1));
}
