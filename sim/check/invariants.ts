/**
 * The invariants of DESIGN.md, checked by oracles that keep their own books: they watch what the
 * actors send and do, and never trust an actor's view of itself. Checked after every step of a run
 * (`stepViolations`) and, once faults have stopped and the town has drained, at the end
 * (`finalViolations`).
 */

import { inCarts, sumStock } from '../../machines/cart.ts';
import type { CartDeskContext } from '../../machines/cart-desk.ts';
import type { CryptoPort, KeyHandle } from '../../machines/crypto-port.ts';
import { canonicalKeyBytes } from '../../machines/digital-key.ts';
import type { DispatchContext } from '../../machines/dispatch.ts';
import { ledgerViolations, stillHeld } from '../../machines/escrow-ledger.ts';
import { mapHas, mapKeys } from '../../machines/persistent-map.ts';
import type { SensorReport } from '../../machines/robot.ts';
import type { KeyPresent } from '../../machines/vehicle.ts';
import type { LogEntry } from '../kernel/event-log.ts';
import type { EscrowPayments } from '../world/escrow-payments.ts';

/** What the oracles read from the bench at a check. */
export interface TownView {
  readonly dispatch: DispatchContext | null;
  readonly carts: CartDeskContext | null;
  readonly payments: EscrowPayments;
  /** Items in each robot now, summed over the fleet. */
  readonly robotStock: Readonly<Record<string, number>>;
  /** Sensor readings the robots still hold because dispatch has not confirmed them. */
  readonly robotUnrecorded: readonly SensorReport[];
  /** Per car: its doors and trunk as the car's statechart has them. */
  readonly cars: readonly { id: string; doors: string; trunk: string }[];
}

const CART_SENSOR = new Set(['cart.take', 'cart.putBack']);

export class Invariants {
  /** Violations found so far, in order; a run fails at the first step that adds one. */
  readonly violations: string[] = [];
  private readonly winners = new Map<string, string>();
  private readonly revokedInCar = new Map<string, Set<string>>();
  private readonly keyUses = new Map<string, number>();
  private readonly handovers = new Map<string, number>();
  private readonly loaded: Record<string, number> = {};
  private readonly resolvedAdverts = new Set<string>();
  private readonly airedEids = new Set<string>();
  /** Robot sensor reports sent or duplicated but not yet delivered or lost. */
  private sensorInFlight = 0;

  constructor(
    private readonly crypto: CryptoPort,
    private readonly issuerPublicKey: KeyHandle,
  ) {}

  private fail(rule: string, detail: string): void {
    this.violations.push(`${rule}: ${detail}`);
  }

  /** Every event-log line: deliveries (assignment answers, sensor reports) and injected faults. */
  readonly onLog = (entry: LogEntry): void => {
    if (entry.kind === 'msg') {
      const msg = entry.msg as { type?: string; orderId?: string; ok?: boolean };
      if (msg.type === 'errand.acceptResult' && msg.ok === true) this.assigned(String(msg.orderId), entry.to);
      if (entry.to === 'dispatch' && CART_SENSOR.has(msg.type ?? '')) this.sensorInFlight--;
    } else if (entry.kind === 'fault') {
      const msg = entry.msg as { type?: string };
      if (!CART_SENSOR.has(msg.type ?? '')) return;
      if (entry.fault === 'duplicate') this.sensorInFlight++;
      if (entry.fault === 'drop') this.sensorInFlight--;
    }
  };

  /** No order gets two couriers: every courier told "you won" for an order must be the same one. */
  private assigned(orderId: string, courierId: string): void {
    const first = this.winners.get(orderId);
    if (first === undefined) this.winners.set(orderId, courierId);
    else if (first !== courierId)
      this.fail('single assignment', `${orderId} was won by ${first} and ${courierId}`);
  }

  /** A robot's item sensor report left the robot (it is in flight until delivered or lost). */
  sensorReportSent(): void {
    this.sensorInFlight++;
  }

  restocked(added: Readonly<Record<string, number>>): void {
    for (const [p, n] of Object.entries(added)) this.loaded[p] = (this.loaded[p] ?? 0) + n;
  }

  /** A car dropped a key: from now on it must refuse it. */
  carRevoked(vehicleId: string, keyId: string): void {
    let set = this.revokedInCar.get(vehicleId);
    if (!set) {
      set = new Set();
      this.revokedInCar.set(vehicleId, set);
    }
    set.add(keyId);
  }

  /**
   * A car answered a key presentation. A grant must hold under the oracle's own reading of the key:
   * dispatch's signature, this car, the presenter is the holder, never revoked in this car, inside
   * the window, within the use count, and the action among the entitlements.
   */
  keyAnswered(vehicleId: string, present: KeyPresent, ok: boolean, nowMs: number): void {
    if (!ok) return;
    const key = present.key;
    const what = `${vehicleId} granted ${present.action} to ${present.presenterId} with ${key?.keyId}`;
    if (!key || !this.crypto.verify(this.issuerPublicKey, canonicalKeyBytes(key), key.signature)) {
      this.fail('keys', `${what}: not signed by dispatch`);
      return;
    }
    const now = nowMs / 1000;
    const problems: string[] = [];
    if (key.vehicleId !== vehicleId) problems.push(`key is for ${key.vehicleId}`);
    if (key.holderId !== present.presenterId) problems.push(`key belongs to ${key.holderId}`);
    if (this.revokedInCar.get(vehicleId)?.has(key.keyId)) problems.push('after the car revoked it');
    if (now < key.validFrom || now >= key.validUntil)
      problems.push(`at ${now} s, outside its window [${key.validFrom}, ${key.validUntil})`);
    if (!key.entitlements.includes(present.action))
      problems.push(`not entitled (entitlements: ${key.entitlements.join(', ')})`);
    const useKey = `${vehicleId}|${key.keyId}`;
    const uses = (this.keyUses.get(useKey) ?? 0) + 1;
    this.keyUses.set(useKey, uses);
    if (key.maxUses !== null && uses > key.maxUses) problems.push(`use ${uses} of ${key.maxUses}`);
    if (problems.length > 0) this.fail('keys', `${what}: ${problems.join('; ')}`);
    // a superseding key revokes the key it replaces in this car, by the key rules
    if (problems.length === 0 && key.supersedes !== null) this.carRevoked(vehicleId, key.supersedes);
  }

  /** A store put a preorder's goods into a car: at most once per preorder. */
  handedToCar(orderId: string, storeId: string): void {
    const n = (this.handovers.get(orderId) ?? 0) + 1;
    this.handovers.set(orderId, n);
    if (n > 1) this.fail('preorder handed over once', `${orderId} handed over ${n} times (at ${storeId})`);
  }

  /** A beacon id went on air (the only ids a scanner can genuinely hear). */
  aired(eid: string): void {
    this.airedEids.add(eid);
  }

  /**
   * Dispatch resolved a curb sighting to a preorder: the id must have been on air, and a sighting
   * resolves once per preorder (a second time is a replay).
   */
  advertResolved(eid: string, orderId: string): void {
    if (!this.airedEids.has(eid)) this.fail('beacon', `foreign advertisement ${eid} resolved to ${orderId}`);
    const key = `${orderId}|${eid}`;
    if (this.resolvedAdverts.has(key))
      this.fail('beacon', `replayed advertisement ${eid} resolved again for ${orderId}`);
    this.resolvedAdverts.add(key);
  }

  /** Something an actor itself reported as broken (dispatch's `violation` effect). */
  reported(rule: string, detail: string): void {
    this.fail(rule, detail);
  }

  /** Money and stock, checked after every step. */
  check(view: TownView): void {
    const d = view.dispatch;
    if (d) {
      for (const v of ledgerViolations(d.ledger)) this.fail('money', v);
      for (const r of d.refusals) this.fail('money', r);
      const t = d.ledger.totals;
      const charged = view.carts?.charged ?? 0;
      for (const v of view.payments.violations({ ...t, charged })) this.fail('money', v);
    }
    if (view.carts && this.sensorInFlight === 0)
      this.checkStock(view.robotStock, view.carts, view.robotUnrecorded);
  }

  /**
   * Stock is conserved: every item loaded is in a robot, in a cart, sold — or on its way to a cart,
   * taken out (or put back) at a robot whose reading dispatch has not applied yet (lost on the way,
   * the robot sends it again).
   */
  private checkStock(
    robotStock: Readonly<Record<string, number>>,
    carts: CartDeskContext,
    unrecorded: readonly SensorReport[],
  ): void {
    const inCart = inCarts(carts.book);
    const pending: Record<string, number> = {};
    for (const r of unrecorded)
      if (r.type !== 'cart.sessionEnded' && !mapHas(carts.readings, r.readingId))
        pending[r.productId] = (pending[r.productId] ?? 0) + (r.type === 'cart.take' ? 1 : -1);
    const all = sumStock([this.loaded, robotStock, inCart, carts.sold, pending]);
    for (const p of Object.keys(all).sort()) {
      const loaded = this.loaded[p] ?? 0;
      const robot = robotStock[p] ?? 0;
      const cart = inCart[p] ?? 0;
      const sold = carts.sold[p] ?? 0;
      const onTheWay = pending[p] ?? 0;
      if (robot < 0 || cart < 0 || robot + cart + sold + onTheWay !== loaded)
        this.fail(
          'stock',
          `${p}: robots ${robot} + carts ${cart} + sold ${sold} + readings on the way ${onTheWay} ≠ loaded ${loaded}`,
        );
    }
  }

  /** Once faults have stopped and the town drained: every order ended, money settled, cars shut. */
  final(view: TownView): void {
    this.check(view);
    const d = view.dispatch;
    if (d) {
      const open = [...mapKeys(d.orders), ...mapKeys(d.flowOrders)].sort();
      if (open.length > 0)
        this.fail('every order ends', `still open after faults stopped: ${open.join(', ')}`);
      const held = stillHeld(d.ledger);
      if (held !== 0)
        this.fail('money', `${held} cents still held for ${mapKeys(d.ledger.entries).join(', ')}`);
    } else this.fail('every order ends', 'dispatch is down');
    const carts = view.carts ? mapKeys(view.carts.openCarts) : [];
    if (carts.length > 0) this.fail('every order ends', `carts still open for ${carts.join(', ')}`);
    if (this.sensorInFlight !== 0)
      this.fail('stock', `${this.sensorInFlight} robot sensor reports unaccounted for`);
    for (const car of view.cars) {
      if (car.doors !== 'locked' || car.trunk !== 'closed')
        this.fail('no car left unlocked', `${car.id}: doors ${car.doors}, trunk ${car.trunk}`);
    }
  }
}
