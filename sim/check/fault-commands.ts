/**
 * Commands that make things go wrong: actors crash and restart from their persisted snapshots,
 * devices fall silent, actuators fail, cars lose their link — and an attacker replays recorded
 * messages, presents forged, stolen, tampered or spent keys, plays back recorded beacon ids or
 * broadcasts foreign ones, and claims orders that are not theirs.
 */
import fc from 'fast-check';
import { createNodeCrypto } from '../../adapters/sim/node-crypto.ts';
import type { DigitalKey, Entitlement } from '../../machines/digital-key.ts';
import { ENTITLEMENTS, issueKey } from '../../machines/digital-key.ts';
import { mapHas } from '../../machines/persistent-map.ts';
import { CARS, COURIERS, CUSTOMERS, STORES } from './bench-town.ts';
import type { ProtocolBench } from './protocol-bench.ts';
import { GAPS, TownStep } from './town-step.ts';

const gap = fc.constantFrom(...GAPS);
const car = fc.constantFrom(...CARS.map((c) => c.id));
const courier = fc.constantFrom(...COURIERS.map((c) => c.id));
const customer = fc.constantFrom(...CUSTOMERS.map((c) => c.id));
const party = fc.constantFrom(...COURIERS.map((c) => c.id), ...CUSTOMERS.map((c) => c.id));
const MAX_CRASHES = 3;

const CRASHABLE = ['dispatch', 'S1', 'C1', 'C2', 'C3', 'U1', 'U2', 'U3', 'V1', 'V3', 'B1', 'RB1'] as const;

const crash = fc
  .record({ actor: fc.constantFrom(...CRASHABLE), downMs: fc.constantFrom(1_000, 60_000, 600_000), gap })
  .map(
    (c) =>
      new TownStep(
        `crash(${c.actor}, down ${c.downMs / 1000}s)`,
        (bench, model) => {
          model.crashes++;
          bench.crash(c.actor);
          bench.kernel.after(c.downMs, () => bench.restart(c.actor));
        },
        c.gap,
        (model) => model.crashes < MAX_CRASHES,
      ),
  );

/**
 * A connection that redelivers everything it carries for a while, as an MQTT client does after a
 * reconnect (QoS 1): duplicates in bursts, from one sender.
 */
const redeliver = fc
  .record({ from: fc.constantFrom('S1', 'S2', 'RB1', 'V1', 'V3'), minutes: fc.constantFrom(10, 30), gap })
  .map(
    (r) =>
      new TownStep(
        `redeliver(${r.from}, ${r.minutes} min)`,
        (bench) => bench.faults.redeliver(r.from, bench.kernel.now + r.minutes * 60_000),
        r.gap,
      ),
  );

/** A device that never answers (until faults stop): everything it sends is lost. */
const silence = fc
  .record({ device: fc.constantFrom(...CARS.map((c) => c.id), 'S1', 'S2', 'RB1'), gap })
  .map((s) => new TownStep(`silence(${s.device})`, (bench) => bench.faults.silence(s.device), s.gap));

const actuator = fc
  .record({ car, gap })
  .map((a) => new TownStep(`actuators fail(${a.car})`, (bench) => bench.failingActuators.add(a.car), a.gap));

const link = fc
  .record({ car, lost: fc.boolean(), gap })
  .map(
    (l) =>
      new TownStep(
        `link ${l.lost ? 'lost' : 'restored'}(${l.car})`,
        (bench) => bench.inject(l.car, { type: l.lost ? 'link.lost' : 'link.restored' }),
        l.gap,
      ),
  );

/**
 * An attacker (or a flaky client) sends a message seen on the network earlier once more: `k`
 * picks a kind of message among those seen, then one of that kind, so rare kinds get replayed too.
 */
const replay = fc.record({ k: fc.nat({ max: 999 }), gap }).map(
  (r) =>
    new TownStep(
      `replay(#${r.k})`,
      (bench) => {
        const seen = bench.networkMessages;
        if (seen.length === 0) return;
        const types = [...new Set(seen.map((m) => m.message.type))];
        const type = types[r.k % types.length];
        const ofType = seen.filter((m) => m.message.type === type);
        const m = ofType[Math.floor(r.k / types.length) % ofType.length]!;
        bench.send(m.from, m.to, m.message);
      },
      r.gap,
    ),
);

/** Every key dispatch handed out so far (rental keys, upgrades, trunk keys), in order. */
function keysSeen(bench: ProtocolBench): DigitalKey[] {
  const keys: DigitalKey[] = [];
  for (const { message } of bench.networkMessages) {
    const m = message as { key?: DigitalKey; trunk?: { key?: DigitalKey } };
    const key = m.key ?? m.trunk?.key;
    if (key && !keys.some((k) => k.keyId === key.keyId)) keys.push(key);
  }
  return keys;
}

const otherIssuer = createNodeCrypto().generateKeyPair(new Uint8Array(32).fill(7));
function present(bench: ProtocolBench, presenterId: string, key: DigitalKey, action: Entitlement): void {
  bench.send(presenterId, key.vehicleId, {
    type: 'key.present',
    requestId: `attack-${bench.kernel.eventsProcessed}`,
    presenterId,
    key,
    action,
  });
}

/** Whether the order a dispatch key was issued for (`T3:K1` → T3) has ended. */
function orderEnded(bench: ProtocolBench, key: DigitalKey): boolean {
  const dispatch = bench.view().dispatch;
  const orderId = key.keyId.split(':')[0] ?? '';
  return dispatch !== null && !mapHas(dispatch.orders, orderId) && !mapHas(dispatch.flowOrders, orderId);
}

/**
 * Keys used the wrong way: a key presented again by its holder after its order ended, someone
 * else's key, a key signed by another issuer, and a key whose fields were edited after signing. The
 * oracle checks every grant, so any of them opening something is a violation.
 */
const keyMisuse = fc
  .record({
    how: fc.constantFrom('reuse', 'stolen', 'foreign', 'tampered'),
    k: fc.nat({ max: 999 }),
    by: party,
    action: fc.constantFrom<Entitlement>(...ENTITLEMENTS),
    gap,
  })
  .map(
    (a) =>
      new TownStep(
        `key ${a.how}(#${a.k} by ${a.by}, ${a.action})`,
        (bench) => {
          const keys = keysSeen(bench);
          const owner = bench.snapshotOf('U1')?.context as { ownerKey: DigitalKey | null } | undefined;
          const base = keys.length > 0 ? keys[a.k % keys.length]! : owner?.ownerKey;
          if (!base) return;
          if (a.how === 'reuse') {
            if (keys.length > 0 && orderEnded(bench, base)) present(bench, base.holderId, base, a.action);
          } else if (a.how === 'stolen') {
            if (a.by !== base.holderId) present(bench, a.by, base, a.action);
          }
          // edited after signing: handed to someone else, every entitlement, a longer window
          else if (a.how === 'tampered')
            present(
              bench,
              a.by,
              {
                ...base,
                holderId: a.by,
                entitlements: [...ENTITLEMENTS],
                validUntil: base.validUntil + 3600,
              },
              a.action,
            );
          else {
            const forged = issueKey(bench.crypto, otherIssuer.privateKey, {
              ...base,
              keyId: `forged-${a.k}`,
              holderId: a.by,
              entitlements: [...ENTITLEMENTS],
              supersedes: null,
            });
            present(bench, a.by, forged, a.action);
          }
        },
        a.gap,
      ),
  );

/** A recorded beacon id played back at a store's scanner, or an id no beacon ever sent. */
const advert = fc
  .record({
    replayed: fc.boolean(),
    k: fc.nat({ max: 999 }),
    store: fc.constantFrom(...STORES.map((s) => s.id)),
    foreign: fc.stringMatching(/^[0-9a-f]{16}$/),
    gap,
  })
  .map(
    (a) =>
      new TownStep(
        a.replayed ? `replay advert(#${a.k} at ${a.store})` : `foreign advert(${a.foreign} at ${a.store})`,
        (bench) => {
          const recorded = bench.radio.recorded;
          if (a.replayed && recorded.length === 0) return;
          const eid = a.replayed ? recorded[a.k % recorded.length]! : a.foreign;
          bench.inject(a.store, { type: 'scanner.heard', eid, rssi: -70, heardAt: bench.kernel.now });
        },
        a.gap,
      ),
  );

const ORDER_CLAIMS = [
  'errand.accept',
  'errand.pickedUp',
  'errand.delivered',
  'trunk.atCar',
  'trunk.deposited',
];
const PUBLISHER_CLAIMS = ['errand.cancel', 'errand.confirm', 'errand.dispute'];

/** A party sends an order message of its own making: an extra accept, or a claim on someone's order. */
const claim = fc
  .record({
    courier,
    customer,
    byCourier: fc.boolean(),
    order: fc.constantFrom('E1', 'E2', 'E3', 'T1', 'T2', 'T3'),
    k: fc.nat({ max: 99 }),
    gap,
  })
  .map((c) => {
    const type = c.byCourier
      ? ORDER_CLAIMS[c.k % ORDER_CLAIMS.length]!
      : PUBLISHER_CLAIMS[c.k % PUBLISHER_CLAIMS.length]!;
    const from = c.byCourier ? c.courier : c.customer;
    return new TownStep(
      `claim(${from} ${type} ${c.order})`,
      (bench) =>
        bench.send(from, 'dispatch', {
          type,
          orderId: c.order,
          ...(c.byCourier ? { courierId: from } : { publisherId: from, reason: 'claim' }),
        }),
      c.gap,
    );
  });

/**
 * The kinds of trouble a check can inject: random network faults (a fault profile, not commands),
 * crashes and restarts, silent devices, failing actuators and lost links, and an attacker.
 */
export const FAULT_KINDS = ['network', 'crash', 'silence', 'devices', 'attacks'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The commands of the chosen kinds; crashes are bounded per run so a run still does something. */
export function faultCommands(kinds: readonly FaultKind[]): fc.Arbitrary<TownStep>[] {
  const out: fc.Arbitrary<TownStep>[] = [];
  if (kinds.includes('network')) out.push(redeliver);
  if (kinds.includes('crash')) out.push(crash);
  if (kinds.includes('silence')) out.push(silence);
  if (kinds.includes('devices')) out.push(actuator, link);
  if (kinds.includes('attacks')) out.push(replay, replay, keyMisuse, advert, claim, claim);
  return out;
}
