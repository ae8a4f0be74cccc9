import type { AnyActorRef, AnyStateMachine, InspectionEvent } from 'xstate';
import { createNodeCrypto } from '../../adapters/sim/node-crypto.ts';
import { withVerifyCache } from '../../adapters/sim/verify-cache.ts';
import type { CartDeskContext } from '../../machines/cart-desk.ts';
import type { CryptoPort, KeyPair } from '../../machines/crypto-port.ts';
import type { DispatchContext } from '../../machines/dispatch.ts';
import type { SensorReport } from '../../machines/robot.ts';
import { telemetryOf } from '../../machines/vehicle.ts';
import { EventLog } from '../kernel/event-log.ts';
import { Kernel } from '../kernel/kernel.ts';
import { type NetMessage, SimNet } from '../kernel/net.ts';
import { EscrowPayments } from '../world/escrow-payments.ts';
import { stateName } from '../world/state-name.ts';
import { CARS, COURIERS, CUSTOMERS, ROBOT, SPACES, STORES, TIMING } from './bench-town.ts';
import type { DurableActor } from './durable-actor.ts';
import { FaultPlan, type FaultProfile, overNetwork } from './fault-plan.ts';
import { Invariants, type TownView } from './invariants.ts';
import { createTownActors } from './town-actors.ts';
import { Movement, Radio, Telemetry } from './town-ports.ts';

/** The machines a mutant may replace, by the name the bench builds them under. */
export type MachineKind =
  | 'dispatch'
  | 'errandOrder'
  | 'trunkOrder'
  | 'rental'
  | 'preorder'
  | 'cartDesk'
  | 'beaconDesk'
  | 'store'
  | 'vehicle'
  | 'beacon'
  | 'robot'
  | 'courier'
  | 'customer';

/**
 * A deliberately broken variant of the machines, for the mutation check: each patch receives the
 * machine with the bench's effects already provided and returns the broken one (a `.provide()`
 * with a wrong guard or action, or a rebuilt config). Only tests make mutants.
 */
export interface Mutant {
  readonly name: string;
  readonly description: string;
  readonly patch: Partial<Record<MachineKind, (machine: AnyStateMachine) => AnyStateMachine>>;
}

export interface BenchOptions {
  readonly faults: FaultProfile;
  readonly mutant?: Mutant;
  /** Every inspection event of every actor (transition coverage listens here). */
  readonly inspect?: (event: InspectionEvent) => void;
  /** Writes the event log as JSONL to this file. */
  readonly logPath?: string;
}

/** The issuer key pair is fixed: a check is about the protocol, not about key material. */
const ISSUER_SEED = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
/** Shared by every bench: the port is stateless but for its cache of verified signatures. */
const CRYPTO: CryptoPort = withVerifyCache(createNodeCrypto());
const ISSUER: KeyPair = createNodeCrypto().generateKeyPair(ISSUER_SEED);

/**
 * The town of the protocol checks, running on the kernel: dispatch (with the order machines of
 * every flow and its desks), stores, couriers, customers, cars with their beacons and a sales
 * robot, all real machines talking through `SimNet`. The bench provides their effects (movement,
 * actuators, radio, dispatch's ports, payments), injects faults through the net's `FaultInjector`,
 * crashes and restarts actors from their persisted snapshots, and feeds the invariants' oracles.
 */
export class ProtocolBench {
  readonly kernel = new Kernel();
  readonly log: EventLog;
  readonly net: SimNet;
  readonly faults: FaultPlan;
  readonly crypto: CryptoPort = CRYPTO;
  readonly issuer: KeyPair = ISSUER;
  readonly invariants: Invariants;
  readonly payments = new EscrowPayments();
  readonly movement: Movement;
  readonly telemetry = new Telemetry();
  readonly radio: Radio;
  readonly actors = new Map<string, DurableActor<AnyStateMachine>>();
  /** Cars whose actuators fail until faults stop (a lock or latch that does not engage). */
  readonly failingActuators = new Set<string>();
  /** Who started each car's engine (gets `car.arrived` when it stops). */
  readonly drivers = new Map<string, string>();
  /** Cars that reported since their last snapshot (their telemetry follows, while they have a link). */
  readonly reported = new Set<string>();
  /** Every message sent over the network so far (what an attacker can record and replay). */
  readonly networkMessages: { from: string; to: string; message: NetMessage }[] = [];
  /** Commands that reached dispatch while it was down: their clients' retries deliver them after restart. */
  private readonly heldForDispatch: { message: NetMessage; from: string }[] = [];
  /** Messages that reached an actor while it was down (lost). */
  lostWhileDown = 0;
  private readonly lastState = new Map<string, string>();

  constructor(readonly options: BenchOptions) {
    this.log = new EventLog(options.logPath);
    this.net = new SimNet(this.kernel, this.log, TIMING.netLatencyMs);
    this.faults = new FaultPlan(options.faults, TIMING.netLatencyMs);
    this.net.setFaults(this.faults.injector);
    this.invariants = new Invariants(this.crypto, this.issuer.publicKey);
    this.log.onEntry(this.invariants.onLog);
    this.movement = new Movement(this.kernel);
    const beaconOfCar = new Map(CARS.filter((c) => c.beaconId).map((c) => [c.id, c.beaconId as string]));
    this.radio = new Radio(
      beaconOfCar,
      (storeId, eid) =>
        this.inject(storeId, { type: 'scanner.heard', eid, rssi: -60, heardAt: this.kernel.now }),
      (eid) => this.invariants.aired(eid),
    );
    createTownActors(this);
  }

  /** Adds an actor: its net address (messages stamped with their delivery time) and its state log. */
  adopt(actor: DurableActor<AnyStateMachine>): void {
    this.actors.set(actor.id, actor);
    this.net.register(actor.id, (message, from) => this.deliver(actor, message, from));
    actor.start();
  }

  private deliver(actor: DurableActor<AnyStateMachine>, message: NetMessage, from: string): void {
    if (!actor.up) {
      // clients keep retrying their commands across a server restart; news to a downed party is lost
      if (actor.id === 'dispatch' && !this.options.faults.lossy) this.heldForDispatch.push({ message, from });
      else {
        this.lostWhileDown++;
        this.log.append({
          t: this.kernel.now,
          kind: 'note',
          actor: actor.id,
          note: 'down: message lost',
          data: message.type,
        });
      }
      return;
    }
    const replying = this.faults.replyingTo;
    if (actor.id === 'dispatch') this.faults.replyingTo = from;
    try {
      actor.send({ ...message, at: this.kernel.now } as NetMessage);
    } finally {
      this.faults.replyingTo = replying;
    }
  }

  private logState(id: string, value: unknown, status: string): void {
    const name = stateName(value);
    if (this.lastState.get(id) !== name) {
      this.lastState.set(id, name);
      this.log.append({ t: this.kernel.now, kind: 'state', actor: id, state: name });
    }
    if (status === 'done' || status === 'stopped') this.lastState.delete(id);
  }

  /**
   * How the bench watches one actor: its snapshots feed the state log (and a car's, its telemetry),
   * a failure is a violation, and dispatch's inspection events log its orders' states. Inspection
   * costs on every event, so other actors get it only when `options.inspect` (coverage) asks.
   */
  observation(id: string) {
    const isCar = CARS.some((c) => c.id === id);
    const watch = this.options.inspect;
    const inspect =
      id === 'dispatch' || watch
        ? (ev: InspectionEvent) => {
            watch?.(ev);
            if (ev.type !== '@xstate.snapshot') return;
            const ref = ev.actorRef as AnyActorRef;
            const snap = ev.snapshot as { value?: unknown; status: string };
            if (ref.id !== id && snap.value !== undefined) this.logState(ref.id, snap.value, snap.status);
          }
        : undefined;
    return {
      ...(inspect ? { inspect } : {}),
      observe: (snap: { value: unknown; context: unknown; status: string }) => {
        this.logState(id, snap.value, snap.status);
        if (!isCar || !(this.reported.delete(id) || !this.telemetry.knows(id))) return;
        if ((snap.value as { link: string }).link === 'online')
          this.telemetry.record(telemetryOf(snap as never));
      },
      failed: (error: unknown) =>
        this.invariants.reported(
          'exception',
          `${id} failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
    };
  }

  /** A world event (demand, shift, arrival, power, sighting): logged, then given to the actor. */
  inject(id: string, event: NetMessage): void {
    this.log.append({ t: this.kernel.now, kind: 'msg', from: 'world', to: id, msg: event });
    const actor = this.actors.get(id);
    if (actor) this.deliver(actor, event, 'world');
  }

  send(from: string, to: string, message: NetMessage): void {
    if (overNetwork(from, to)) this.networkMessages.push({ from, to, message });
    if (to === 'dispatch' && (message.type === 'cart.take' || message.type === 'cart.putBack'))
      this.invariants.sensorReportSent();
    this.net.send(from, to, message);
  }

  advance(ms: number): void {
    this.kernel.runUntil(this.kernel.now + ms);
  }

  crash(id: string): void {
    this.actors.get(id)?.crash();
    this.log.append({ t: this.kernel.now, kind: 'note', actor: id, note: 'crashed' });
  }

  restart(id: string): void {
    const actor = this.actors.get(id);
    if (!actor || actor.up) return;
    this.log.append({
      t: this.kernel.now,
      kind: 'note',
      actor: id,
      note: 'restarted from its persisted snapshot',
    });
    actor.restart();
    if (id !== 'dispatch') return;
    const held = this.heldForDispatch.splice(0);
    for (const { message, from } of held) this.deliver(actor, message, from);
  }

  /** The actor's live snapshot (or, while it is down, the one it will restart from). */
  snapshotOf(id: string): { value: unknown; context: unknown } | null {
    return this.actors.get(id)?.snapshot() ?? null;
  }

  view(): TownView {
    const dispatch = this.actors.get('dispatch');
    const live = dispatch?.up ? dispatch.actor : null;
    const carts = live?.system.get('carts')?.getSnapshot() as { context: CartDeskContext } | undefined;
    const robot = this.snapshotOf('RB1')?.context as
      | { stock: Record<string, number>; unrecorded: Record<string, SensorReport> }
      | undefined;
    return {
      dispatch: live ? (live.getSnapshot().context as DispatchContext) : null,
      carts: carts?.context ?? null,
      payments: this.payments,
      robotStock: robot?.stock ?? {},
      robotUnrecorded: Object.values(robot?.unrecorded ?? {}),
      cars: CARS.map((c) => {
        const value = this.snapshotOf(c.id)?.value as { doors: string; trunk: string };
        return { id: c.id, doors: value.doors, trunk: value.trunk };
      }),
    };
  }

  /** New violations since the last call are in `invariants.violations`; returns whether any exist. */
  check(): boolean {
    this.invariants.check(this.view());
    return this.invariants.violations.length > 0;
  }

  /**
   * Faults stop: no more random faults, silenced devices answer, actuators work, cars get their link
   * back, crashed actors restart. Then the town runs on for `TIMING.drainMs` (checked every ten
   * minutes) and every order must have ended, every car be shut, the money settled.
   */
  drain(): void {
    this.faults.calm();
    this.failingActuators.clear();
    for (const id of [...this.actors.keys()].sort()) this.restart(id);
    for (const car of CARS) {
      const value = this.snapshotOf(car.id)?.value as { link?: string } | undefined;
      const garage = SPACES.some(
        (s) => s.garage === true && s.id === this.telemetry.placement(car.id, '*').parkingSpaceId,
      );
      if (value?.link === 'offline' && !garage) this.inject(car.id, { type: 'link.restored' });
    }
    // the day goes on: closed stores open again
    for (const store of STORES)
      if (this.snapshotOf(store.id)?.value === 'closed') this.inject(store.id, { type: 'store.open' });
    const until = this.kernel.now + TIMING.drainMs;
    do {
      this.advance(Math.min(5 * 60_000, until - this.kernel.now));
      this.check();
    } while (this.kernel.now < until && this.invariants.violations.length === 0 && !this.settled());
    if (this.invariants.violations.length === 0) this.invariants.final(this.view());
  }

  /**
   * Nothing left to happen but idle timers: no open order or cart, every party idle, every car
   * parked and shut, nobody at the robot. Draining stops early here (runs end sooner).
   */
  private settled(): boolean {
    const view = this.view();
    const d = view.dispatch;
    if (!d || d.orders.size > 0 || d.flowOrders.size > 0) return false;
    if (!view.carts || view.carts.openCarts.size > 0) return false;
    const state = (id: string) => stateName(this.snapshotOf(id)?.value);
    if (COURIERS.some((c) => !/^(offDuty|idle)/.test(state(c.id)))) return false;
    if (CUSTOMERS.some((c) => state(c.id) !== 'idle')) return false;
    if (state(ROBOT.id).startsWith('dwelling.session')) return false;
    return CARS.every((c) => /^motion\.parked\|doors\.locked\|trunk\.closed\|engine\.off/.test(state(c.id)));
  }

  /** Stops every actor (the log stays open for `log.close()`). */
  stop(): void {
    for (const actor of this.actors.values()) actor.stop();
  }
}
