/**
 * What the parties of the five flows do, as fast-check command arbitraries: publishers post errands
 * (and cancel, chat, confirm or dispute, by the choices in their demand), owners order to their
 * trunk, drive off, preorder; renters rent; users shop at the robot; couriers start and end shifts
 * and, being couriers, race for every offer. Each command injects the demand the world would and
 * lets the real machines play it out.
 */
import fc from 'fast-check';
import type { ErrandCategory, ErrandDemand } from '../../machines/protocol.ts';
import type { VehicleContext } from '../../machines/vehicle.ts';
import {
  CARS,
  COURIERS,
  CUSTOMERS,
  ERRAND_POINTS,
  FEES,
  POOL_CAR,
  PRODUCTS,
  SPACES,
  STORES,
  storeById,
} from './bench-town.ts';
import type { ProtocolBench } from './protocol-bench.ts';
import { GAPS, TownStep } from './town-step.ts';

const MINUTE = 60_000;
const gap = fc.constantFrom(...GAPS);
const owners = CARS.filter((c) => c.ownerId !== null).map((c) => c.ownerId as string);
const customer = fc.constantFrom(...CUSTOMERS.map((c) => c.id));
const owner = fc.constantFrom(...owners);
const store = fc.constantFrom(...STORES.map((s) => s.id));

const errand = fc
  .record({
    publisher: customer,
    category: fc.constantFrom<ErrandCategory>('deliver', 'buy_for_me', 'parcel_pickup', 'answer'),
    professional: fc.boolean(),
    premium: fc.constantFrom(0, 0.5),
    pickup: fc.nat({ max: ERRAND_POINTS.length - 1 }),
    dropoff: fc.nat({ max: ERRAND_POINTS.length - 1 }),
    store,
    patience: fc.constantFrom(30_000, 5 * MINUTE),
    cancelAfterAssign: fc.constantFrom<number | null>(null, 1_000, MINUTE),
    dispute: fc.boolean(),
    chat: fc.constantFrom<number | null>(null, 1_000),
    gap,
  })
  .map(
    (e) =>
      new TownStep(
        `errand(${e.publisher} ${e.category}${e.professional ? ' pro' : ''} ${e.pickup}→${e.dropoff}` +
          `${e.cancelAfterAssign !== null ? ` cancel@${e.cancelAfterAssign}` : ''}${e.dispute ? ' dispute' : ''}` +
          `${e.chat !== null ? ' chat' : ''} patience ${e.patience})`,
        (bench) => {
          const at = storeById(e.store)!;
          const pickup = e.category === 'buy_for_me' ? at.position : ERRAND_POINTS[e.pickup]!;
          const demand: ErrandDemand = {
            type: 'demand.errand',
            request: {
              category: e.category,
              description: `${e.category} for ${e.publisher}`,
              recipient: e.publisher,
              phone: '',
              pickup,
              dropoff: ERRAND_POINTS[e.dropoff]!,
              feeMode: e.professional ? 'professional' : 'ordinary',
              ...(e.professional ? {} : { offeredFee: Math.round(FEES.floor[e.category] * (1 + e.premium)) }),
              ...(e.category === 'buy_for_me' ? { storeId: e.store } : {}),
              dueBy: bench.kernel.now + 60 * MINUTE,
            },
            patienceMs: e.patience,
            cancelAfterAssignMs: e.cancelAfterAssign,
            willDispute: e.dispute,
            chatAfterMs: e.chat,
          };
          bench.inject(e.publisher, demand as never);
        },
        e.gap,
      ),
  );

/** The car's space and position now (where a preorder drive comes back to). */
function parkedAt(bench: ProtocolBench, vehicleId: string) {
  const ctx = bench.snapshotOf(vehicleId)?.context as VehicleContext | undefined;
  return { back: ctx?.position ?? { x: 0, y: 0 }, backSpaceId: ctx?.parkingSpaceId ?? null };
}

const trunk = fc.record({ owner, store, goods: fc.constantFrom(800, 2_500), gap }).map(
  (t) =>
    new TownStep(
      `trunk(${t.owner} from ${t.store}, ${t.goods}c)`,
      (bench) =>
        bench.inject(t.owner, {
          type: 'demand.trunk',
          storeId: t.store,
          items: [{ productId: 'water', qty: 2 }],
          goodsCents: t.goods,
          dueBy: bench.kernel.now + 60 * MINUTE,
        }),
      t.gap,
    ),
);

/** An owner drives off: to another space, out of the area (P4), or to a curb with no space. */
const trip = fc.record({ owner, to: fc.constantFrom(...SPACES.map((s) => s.id), 'curb'), gap }).map(
  (t) =>
    new TownStep(
      `trip(${t.owner} to ${t.to})`,
      (bench) => {
        const space = SPACES.find((s) => s.id === t.to);
        bench.inject(t.owner, {
          type: 'demand.trip',
          to: space?.position ?? STORES[0]!.curb,
          parkingSpaceId: space?.id ?? null,
        });
      },
      t.gap,
    ),
);

const preorder = fc
  .record({
    owner,
    store,
    total: fc.constantFrom(1_200, 4_000),
    wait: fc.constantFrom(2 * MINUTE, 10 * MINUTE),
    gap,
  })
  .map(
    (p) =>
      new TownStep(
        `preorder(${p.owner} at ${p.store}, ${p.total}c, waits ${p.wait / MINUTE} min)`,
        (bench) => {
          const car = CARS.find((c) => c.ownerId === p.owner)!;
          bench.inject(p.owner, {
            type: 'demand.preorder',
            storeId: p.store,
            curb: storeById(p.store)!.curb,
            items: [{ productId: 'bread', qty: 1 }],
            totalCents: p.total,
            waitMs: p.wait,
            ...parkedAt(bench, car.id),
          });
        },
        p.gap,
      ),
  );

const rental = fc
  .record({
    renter: customer,
    minutes: fc.constantFrom(5, 20),
    useMs: fc.constantFrom(MINUTE, 25 * MINUTE),
    tryEngine: fc.boolean(),
    licence: fc.constantFrom<string | null>(null, 'MC123456', 'none'),
    driveTo: fc.constantFrom(...SPACES.map((s) => s.id)),
    misuseAfter: fc.constantFrom<number | null>(null, 2 * MINUTE),
    gap,
  })
  .map(
    (r) =>
      new TownStep(
        `rental(${r.renter} ${r.minutes} min${r.tryEngine ? ' tries engine' : ''}` +
          `${r.licence !== null ? ` upgrade ${r.licence}` : ''} drive to ${r.driveTo}` +
          `${r.misuseAfter !== null ? ' misuse' : ''})`,
        (bench) => {
          const space = SPACES.find((s) => s.id === r.driveTo)!;
          bench.inject(r.renter, {
            type: 'demand.rental',
            vehicleId: POOL_CAR,
            carPosition: parkedAt(bench, POOL_CAR).back,
            minutes: r.minutes,
            useMs: r.useMs,
            tryEngine: r.tryEngine,
            upgradeLicence: r.licence,
            driveTo: space.position,
            driveToSpaceId: space.id,
            misuseAfterMs: r.misuseAfter,
          });
        },
        r.gap,
      ),
  );

const pick = fc.record({
  kind: fc.constantFrom<'take' | 'putBack'>('take', 'take', 'putBack'),
  productId: fc.constantFrom(...PRODUCTS),
});

const robot = fc
  .record({
    user: customer,
    picks: fc.array(pick, { minLength: 1, maxLength: 4 }),
    cartVia: fc.constantFrom<'robot' | 'phone'>('robot', 'phone'),
    payVia: fc.constantFrom<'robot' | 'phone' | 'none'>('robot', 'phone', 'none'),
    payTwice: fc.boolean(),
    gap,
  })
  .map(
    (r) =>
      new TownStep(
        `robot(${r.user} ${r.picks.map((p) => `${p.kind} ${p.productId}`).join(', ')}; cart via ${r.cartVia}, pay ${r.payVia}${r.payTwice ? ' twice' : ''})`,
        (bench) => {
          const robot = bench.snapshotOf('RB1');
          if (!robot) throw new Error('robot RB1 is not in the bench town');
          const robotAt = (robot.context as { stops: { x: number; y: number }[] }).stops[0]!;
          bench.inject(r.user, {
            type: 'demand.robot',
            robotId: 'RB1',
            robotAt,
            picks: r.picks,
            cartVia: r.cartVia,
            payVia: r.payVia,
            payTwice: r.payTwice,
          });
        },
        r.gap,
      ),
  );

/** Couriers and the robot start and end their shifts. */
const shift = fc
  .record({ who: fc.constantFrom(...COURIERS.map((c) => c.id), 'RB1'), start: fc.boolean(), gap })
  .map(
    (s) =>
      new TownStep(
        `shift ${s.start ? 'start' : 'end'}(${s.who})`,
        (bench) => bench.inject(s.who, { type: s.start ? 'shift.start' : 'shift.end' }),
        s.gap,
      ),
  );

/** Opening hours: a store closes (couriers' collections wait for it to open again) and opens. */
const hours = fc
  .record({ store, open: fc.boolean(), gap })
  .map(
    (h) =>
      new TownStep(
        `${h.open ? 'open' : 'close'}(${h.store})`,
        (bench) => bench.inject(h.store, { type: h.open ? 'store.open' : 'store.close' }),
        h.gap,
      ),
  );

const wait = fc
  .constantFrom(MINUTE, 5 * MINUTE, 20 * MINUTE)
  .map((ms) => new TownStep(`wait ${ms / MINUTE} min`, () => {}, ms));

/** The flows a check can exercise; `all` is the default. */
export const FLOWS = ['errand', 'trunk', 'rental', 'robot', 'preorder'] as const;
export type FlowName = (typeof FLOWS)[number];

/** The parties' commands for the chosen flows, weighted towards the ones with the most protocol. */
export function partyCommands(flows: readonly FlowName[]): fc.Arbitrary<TownStep>[] {
  const out: fc.Arbitrary<TownStep>[] = [shift, wait, hours];
  if (flows.includes('errand')) out.push(errand, errand, errand);
  if (flows.includes('trunk')) out.push(trunk, trunk, trip);
  if (flows.includes('rental')) out.push(rental, rental);
  if (flows.includes('robot')) out.push(robot, robot);
  if (flows.includes('preorder')) out.push(preorder, preorder, trip);
  return out;
}
