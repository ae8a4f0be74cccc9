import { describe, expect, it } from 'vitest';
import { type CourierView, DEFAULT_ROLLING, type MealPolicyView } from '../../machines/meal-policy.ts';
import { relocations } from '../../machines/meal-relocation.ts';

const M = 60_000;

/** Two restaurants 20 minutes apart at 100 m/min: `busy` has all recent orders, `quiet` none. */
function view(recentDemand: Record<string, number> | undefined): MealPolicyView {
  return {
    now: 60 * M,
    timing: { metersPerMinute: 100, halfPickupMs: 2 * M, halfDropoffMs: 2 * M, targetClickToDoorMs: 40 * M },
    restaurants: { busy: { x: 0, y: 0 }, quiet: { x: 2_000, y: 0 }, near: { x: 0, y: 150 } },
    orders: [],
    couriers: [],
    recentDemand,
  };
}

function courier(id: string, x: number, offTime = 600 * M, place = `o-${id}`): CourierView {
  return {
    shift: { id, start: { x, y: 0 }, onTime: 0, offTime },
    status: 'waiting',
    place,
    point: { x, y: 0 },
    freeAt: 60 * M,
  };
}

describe('relocating idle couriers', () => {
  it('moves a courier waiting far from recent demand to the busy restaurant, and only that one', () => {
    const far = courier('far', 1_800); // 18 min from `busy`
    const close = courier('close', 50); // already next to it
    expect(relocations(view({ busy: 9, quiet: 1 }), DEFAULT_ROLLING, [far, close])).toEqual([
      { courierId: 'far', restaurantId: 'busy' },
    ]);
  });

  it('keeps a courier whose shift ends before it would arrive, and does nothing without demand', () => {
    const leaving = courier('leaving', 1_800, 70 * M);
    expect(relocations(view({ busy: 9 }), DEFAULT_ROLLING, [leaving])).toEqual([]);
    expect(relocations(view(undefined), DEFAULT_ROLLING, [courier('far', 1_800)])).toEqual([]);
    expect(relocations(view({}), DEFAULT_ROLLING, [courier('far', 1_800)])).toEqual([]);
  });

  it('weighs the trip: a heavy trip weight keeps the courier where it is', () => {
    const far = courier('far', 1_800);
    expect(relocations(view({ busy: 1 }), { ...DEFAULT_ROLLING, relocateTripWeight: 1.5 }, [far])).toEqual(
      [],
    );
  });
});
