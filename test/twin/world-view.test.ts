import { describe, expect, it } from 'vitest';
import { World } from '../../sim/world/world.ts';
import { WorldView } from '../../sim/world/world-view.ts';
import { monacoCity, SMALL_COUNTS, smallScenario } from './twin-fixture.ts';

const MINUTE = 60_000;

describe('the world view the twin reads', () => {
  it('lists every positioned actor with kind and variant, and locates movers analytically', async () => {
    const world = new World(smallScenario(), await monacoCity(), { seed: 7 });
    const view = new WorldView(world);
    world.run(90 * MINUTE);
    const actors = view.actors();
    const perKind: Record<string, number> = {};
    for (const a of actors) perKind[a.kind] = (perKind[a.kind] ?? 0) + 1;
    expect(perKind).toMatchObject(SMALL_COUNTS);
    expect(actors.find((a) => a.id === 'CP1')).toEqual({
      id: 'CP1',
      kind: 'courier',
      variant: 'professional',
      moves: true,
    });
    expect(actors.find((a) => a.id === 'U1')).toMatchObject({
      kind: 'customer',
      variant: null,
      moves: false,
    });
    const travelling = actors.filter((a) => view.isTravelling(a));
    expect(travelling.length).toBeGreaterThan(0);
    const courier = travelling[0];
    expect(view.locate(courier)).toEqual(world.mobility.locate(courier.id));
    const route = view.remainingRoute(courier.id)!;
    expect(route[0]).toEqual(world.mobility.locate(courier.id));
    expect(route.length).toBeGreaterThan(1);
    expect(view.state(courier.id)).toMatch(/^working/);
    expect(view.recent(courier.id).length).toBeGreaterThan(0);
    expect(view.kindOf('dispatch')).toBe('dispatch');
    const orders = view.openOrders();
    expect(orders.length).toBeGreaterThan(0);
    for (const o of orders) expect(world.areas.some((a) => a.area.contains(o.x, o.y))).toBe(true);
    await world.close();
  });

  it('viewing never changes the run: the event-log hash is the same with or without a view', async () => {
    const city = await monacoCity();
    const plain = new World(smallScenario(), city, { seed: 11 });
    plain.run(60 * MINUTE);
    const viewed = new World(smallScenario(), city, { seed: 11 });
    const view = new WorldView(viewed);
    for (let t = 5 * MINUTE; t <= 60 * MINUTE; t += 5 * MINUTE) {
      viewed.run(t);
      for (const a of view.actors()) {
        view.locate(a);
        view.state(a.id);
        view.context(a.id);
        view.remainingRoute(a.id);
      }
      view.openOrders();
      view.kpis();
    }
    expect(viewed.log.digest()).toBe(plain.log.digest());
    await plain.close();
    await viewed.close();
  });
});
