import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { mealCourierMachine } from '../../machines/meal-courier.ts';
import type { MealRoute, MealSend } from '../../machines/meal-protocol.ts';
import { MINUTE_MS } from '../../machines/meal-route.ts';
import { Kernel } from '../../sim/kernel/kernel.ts';

const M = MINUTE_MS;

/** A courier on the kernel's clock whose effects are recorded; trips take `tripMinutes`. */
function courier(tripMinutes = 5) {
  const kernel = new Kernel();
  const sent: { at: number; message: MealSend['message'] }[] = [];
  const trips: { at: number; from: string; to: string }[] = [];
  const actor = createActor(
    mealCourierMachine.provide({
      actions: {
        send: (_, params) => sent.push({ at: kernel.now, message: params.message }),
        travel: (_, params) => {
          trips.push({ at: kernel.now, from: params.from, to: params.to });
          kernel.after(tripMinutes * M, () => actor.send({ type: 'travel.arrived', at: kernel.now }));
        },
      },
    }),
    {
      clock: kernel.clock,
      input: { id: 'c1', start: { x: 0, y: 0 }, offTime: 60 * M, halfPickupMs: 2 * M, halfDropoffMs: 2 * M },
    },
  );
  actor.start();
  return { kernel, actor, sent, trips };
}

const route = (orders: string[], readyAt: number): MealRoute => ({
  assignmentId: 'A1',
  restaurantId: 'r1',
  restaurant: { x: 0, y: 1000 },
  readyAt,
  stops: orders.map((orderId, i) => ({ orderId, point: { x: 100 * i, y: 0 } })),
});

describe('the meal courier', () => {
  it('refuses a route while off duty, so dispatch can reopen its orders', () => {
    const { actor, sent } = courier();
    actor.send({ type: 'meal.route', route: route(['o1'], 10 * M), at: 0 });
    expect(sent).toEqual([{ at: 0, message: { type: 'meal.refused', courierId: 'c1', assignmentId: 'A1' } }]);
    expect(actor.getSnapshot().value).toBe('offDuty');
  });

  it('picks up at max(arrival + half the service, ready), drops off in sequence, then waits at the last drop-off', () => {
    const { kernel, actor, sent, trips } = courier();
    actor.send({ type: 'shift.start', at: 0 });
    actor.send({ type: 'meal.route', route: route(['o1', 'o2'], 10 * M), at: 0 });
    kernel.runUntil(Number.POSITIVE_INFINITY);
    const times = sent.map((s) => [s.at / M, s.message.type]);
    // arrive 5, pickup 10 (ready), leave 12; o1 at 17, dropped 19, leave 21; o2 at 26, dropped 28, leave 30
    expect(times).toEqual([
      [0, 'courier.online'],
      [5, 'courier.atRestaurant'],
      [10, 'meal.pickedUp'],
      [19, 'meal.delivered'],
      [28, 'meal.delivered'],
      [30, 'courier.free'],
    ]);
    expect(trips.map((t) => [t.at / M, t.from, t.to])).toEqual([
      [0, '0', 'r1'],
      [12, 'r1', 'o1'],
      [21, 'o1', 'o2'],
    ]);
    expect(actor.getSnapshot().value).toBe('waiting');
    expect(actor.getSnapshot().context.place).toBe('o2');
  });

  it('takes a bundle update on arrival: a later-ready order moves the pickup', () => {
    const { kernel, actor, sent } = courier();
    actor.send({ type: 'shift.start', at: 0 });
    actor.send({ type: 'meal.route', route: route(['o1'], 3 * M), at: 0 });
    kernel.runUntil(5 * M);
    actor.send({ type: 'meal.routeUpdate', route: route(['o1', 'o2'], 9 * M), at: 5 * M });
    kernel.runUntil(Number.POSITIVE_INFINITY);
    expect(sent.find((s) => s.message.type === 'meal.pickedUp')?.at).toBe(9 * M);
    expect(sent.filter((s) => s.message.type === 'meal.delivered')).toHaveLength(2);
  });

  it('cannot be diverted on the way to a restaurant, and goes off duty after a route that ends past its off time', () => {
    const { kernel, actor, sent } = courier(30);
    actor.send({ type: 'shift.start', at: 0 });
    actor.send({ type: 'meal.route', route: route(['o1'], 0), at: 0 });
    actor.send({ type: 'meal.reposition', restaurantId: 'r2', point: { x: 5, y: 5 }, at: M });
    expect(sent.at(-1)?.message).toEqual({ type: 'meal.refused', courierId: 'c1', assignmentId: null });
    kernel.runUntil(Number.POSITIVE_INFINITY);
    // arrive 30, pickup 32, leave 34, at o1 64, dropped 66, leave 68 > off time 60
    expect(sent.at(-1)).toEqual({ at: 68 * M, message: { type: 'courier.offline', courierId: 'c1' } });
    expect(actor.getSnapshot().value).toBe('offDuty');
  });
});
