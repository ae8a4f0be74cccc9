import { type Actor, type AnyStateMachine, createActor } from 'xstate';
import type { OutboundMessage } from '../../adapters/socketio/wire-protocol.ts';
import { type DispatchContext, type DispatchInput, dispatchMachine } from '../../machines/dispatch.ts';
import { PUSH_LIMIT } from '../../machines/dispatch-policy.ts';
import type { BroadcastParams, LifecycleParams, SendParams } from '../../machines/errand-order.ts';
import { ledgerViolations, stillHeld } from '../../machines/escrow-ledger.ts';
import { mapGet } from '../../machines/persistent-map.ts';
import type { Point } from '../../machines/protocol.ts';
import { indexScheduledEvents } from '../kernel/indexed-scheduler.ts';
import { Kernel } from '../kernel/kernel.ts';
import { CourierLocator } from './courier-locator.ts';
import { OrderBook } from './order-book.ts';
import type { RouteQuoter } from './route-quoter.ts';
import { VehicleRegistry } from './vehicle-registry.ts';

/** A message dispatch wants delivered to one principal. */
export interface Outbound {
  readonly to: string;
  readonly message: OutboundMessage;
}

/** An accepted command, as the host applies it (live or from the journal). */
export interface AppliedCommand {
  readonly at: number;
  readonly type: string;
  readonly body: Record<string, unknown>;
}

type PortAction = (args: unknown, params: never) => void;

/** Where the vehicle port's data comes from: the coverage areas and the city's parking spaces. */
export interface VehicleSite {
  readonly areas: ConstructorParameters<typeof VehicleRegistry>[0];
  readonly spaceIds: ReadonlySet<string>;
}

/** Inbound types the host relays between two principals; the dispatch machine never sees them. */
const RELAYED = new Set(['vehicle.key', 'key.result', 'store.collect', 'store.handover']);

/**
 * Gives a machine and, recursively, every machine it spawns the port implementations it declares
 * by name. New flows that add child machines with `send`, `broadcast` or `lifecycle` actions get
 * them without a change here.
 */
function withPorts(machine: AnyStateMachine, ports: Record<string, PortAction>): AnyStateMachine {
  const declared = machine.implementations.actions ?? {};
  const actions = Object.fromEntries(Object.entries(ports).filter(([name]) => name in declared));
  const actors = Object.fromEntries(
    Object.entries(machine.implementations.actors ?? {}).map(([name, logic]) => [
      name,
      logic && typeof logic === 'object' && 'implementations' in logic && 'provide' in logic
        ? withPorts(logic as AnyStateMachine, ports)
        : logic,
    ]),
  );
  return machine.provide({ actions, actors } as never);
}

/**
 * The dispatch machine of the simulation, hosted by the server. It runs on a kernel whose clock the
 * server advances to the wall clock (ms since the Unix epoch) before every command and on a short
 * tick, which is what lets a restart replay the journal exactly: the delayed transitions fire at
 * the same instants relative to the commands, whether the time is live or read from the journal.
 *
 * Ports: `send`/`broadcast` collect outbound messages for the server to route; `requestQuote`
 * answers from the journal's recorded quotes, else asks the router and records the answer;
 * `findCouriers` queries the courier locator; `lifecycle` feeds the order book. Every answer is
 * delivered through the kernel at the current instant, as the simulated net would, never by a
 * direct call back into the machine.
 */
export class DispatchHost {
  readonly kernel = new Kernel();
  readonly locator = new CourierLocator();
  readonly vehicles: VehicleRegistry;
  /** `vehicleId|requestId` → who presented the key: the car's answer goes to that holder only. */
  private readonly presented = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  readonly orders: OrderBook;
  private readonly actor: Actor<typeof dispatchMachine>;
  private outbox: Outbound[] = [];
  private fresh: { key: string; body: string }[] = [];
  private failure: unknown;
  private readonly violationLog: string[] = [];
  private paymentMoves = 0;

  constructor(
    input: DispatchInput,
    private readonly quoter: RouteQuoter,
    private readonly recorded: Map<string, string>,
    keepFinishedOrders?: number,
    site: VehicleSite = { areas: [], spaceIds: new Set() },
  ) {
    this.orders = new OrderBook(keepFinishedOrders);
    this.vehicles = new VehicleRegistry(site.areas, site.spaceIds);
    const ports: Record<string, PortAction> = {
      send: (_, params: SendParams) => this.outbox.push({ to: params.to, message: params.message }),
      broadcast: (_, params: BroadcastParams) => {
        for (const to of params.to) this.outbox.push({ to, message: params.message });
      },
      requestQuote: (_, params: { orderId: string; from: Point; to: Point }) => this.quote(params),
      findCouriers: (_, params: { orderId: string; point: Point; radius: number; category: string }) =>
        this.findCouriers(params),
      lifecycle: (_, params: LifecycleParams) => this.lifecycle(params),
      sendEach: (_, params: { to: string; messages: readonly OutboundMessage[] }) => {
        for (const message of params.messages) this.outbox.push({ to: params.to, message });
      },
      checkPlacement: (_, params: { orderId: string; vehicleId: string; areaId: string }) =>
        this.deliver({
          type: 'placement.checked',
          orderId: params.orderId,
          placement: this.vehicles.placement(params.vehicleId, params.areaId),
        }),
      checkLock: (_, params: { orderId: string; vehicleId: string }) =>
        this.deliver({
          type: 'lock.checked',
          orderId: params.orderId,
          vehicleId: params.vehicleId,
          trunk: this.vehicles.trunk(params.vehicleId),
        }),
      count: (_, params: { flow: string; counter: string }) => {
        const key = `${params.flow}.${params.counter}`;
        this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
      },
      payments: () => {
        this.paymentMoves++;
      },
      violation: (_, params: { rule: string; detail: string }) =>
        this.violationLog.push(`${params.rule}: ${params.detail}`),
    };
    const machine = withPorts(dispatchMachine, ports) as typeof dispatchMachine;
    this.actor = createActor(machine, { id: 'dispatch', clock: this.kernel.clock, input });
    this.actor.subscribe({ error: (err) => (this.failure = err) });
    indexScheduledEvents(this.actor);
    this.actor.start();
  }

  /** Runs the delayed transitions due by `at` (ms since the epoch); returns what they sent. */
  advanceTo(at: number): Outbound[] {
    this.kernel.runUntil(at);
    return this.drain();
  }

  /**
   * Applies one accepted command at its journaled instant; returns what dispatch sent. Call
   * `advanceTo(at)` first to separate what the timers due by then sent from what the command did.
   */
  apply(command: AppliedCommand): Outbound[] {
    this.kernel.runUntil(command.at);
    if (RELAYED.has(command.type)) {
      this.relay(command.type, command.body);
      return this.drain();
    }
    this.locator.observe(command.type, command.body);
    this.vehicles.observe(command.type, command.body);
    if (command.type === 'courier.position' && !this.tracked(command.body.courierId)) return [];
    // stamped like the simulated net stamps delivery time: key windows and beacon slots read it
    this.actor.send({ ...command.body, type: command.type, at: command.at } as never);
    this.kernel.runUntil(command.at);
    if (this.failure !== undefined || this.actor.getSnapshot().status !== 'active')
      throw new Error(`dispatch actor failed on ${command.type}: ${String(this.failure)}`);
    return this.drain();
  }

  /**
   * Whether dispatch wants this courier's positions: only while it works an order, to relay them
   * to that order's publisher (the machine's `courier.position` guard). Most positions come from
   * idle couriers; the locator has them, and skipping the machine for those, the bulk of the
   * position stream, saves a full actor step each and changes nothing the machine would do.
   */
  private tracked(courierId: unknown): boolean {
    return typeof courierId === 'string' && mapGet(this.context.couriers, courierId)?.publisher != null;
  }

  /** The host's clock, ms since the Unix epoch. */
  get now(): number {
    return this.kernel.now;
  }

  /** Port answers computed since the last call, to be journaled. */
  takeFreshAnswers(): { key: string; body: string }[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  get context(): DispatchContext {
    return this.actor.getSnapshot().context;
  }

  /** Money and order invariants at this instant (empty when every rule holds). */
  violations(): string[] {
    const ctx = this.context;
    return [
      ...ledgerViolations(ctx.ledger),
      ...ctx.refusals,
      ...this.violationLog,
      ...this.orders.violations(),
    ];
  }

  /** Escrow totals in cents, with what is still held. */
  escrow(): { held: number; paidOut: number; refunded: number; commission: number; stillHeld: number } {
    const ledger = this.context.ledger;
    return { ...ledger.totals, stillHeld: stillHeld(ledger) };
  }

  get paymentMovements(): number {
    return this.paymentMoves;
  }

  stop(): void {
    this.actor.stop();
  }

  private drain(): Outbound[] {
    if (this.outbox.length === 0) return [];
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  private deliver(event: Record<string, unknown> & { type: string }): void {
    this.kernel.schedule(this.kernel.now, () => this.actor.send({ ...event, at: this.kernel.now } as never));
  }

  /** Counters the flows' machines raise (keys refused, reroutes, alarms…), by `flow.counter`. */
  flowCounters(): Record<string, number> {
    return Object.fromEntries([...this.counters].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /**
   * Relays a message between two principals: a key presented to its car (the gateway has checked
   * that dispatch signed it for this holder), the car's answer back to that holder only, a courier
   * at a store's counter, and the store's handover to the courier.
   */
  private relay(type: string, body: Record<string, unknown>): void {
    const s = (field: string) => String(body[field]);
    if (type === 'vehicle.key') {
      const key = body.key as { holderId: string };
      this.presented.set(`${s('vehicleId')}|${s('requestId')}`, key.holderId);
      this.outbox.push({
        to: s('vehicleId'),
        message: {
          type: 'key.present',
          requestId: s('requestId'),
          holderId: key.holderId,
          action: s('action'),
          key: body.key,
        },
      });
    } else if (type === 'key.result') {
      const slot = `${s('vehicleId')}|${s('requestId')}`;
      const holder = this.presented.get(slot);
      if (holder === undefined) return;
      this.presented.delete(slot);
      const { cid: _cid, ...answer } = body;
      this.outbox.push({ to: holder, message: { ...answer, type: 'key.result' } });
    } else if (type === 'store.collect') {
      this.outbox.push({
        to: s('storeId'),
        message: { type: 'store.collect', orderId: s('orderId'), courierId: s('courierId') },
      });
    } else if (type === 'store.handover') {
      this.outbox.push({
        to: s('courierId'),
        message: { type: 'store.handover', orderId: s('orderId'), storeId: s('storeId') },
      });
    }
  }

  private quote(params: { orderId: string; from: Point; to: Point }): void {
    const key = `route.quote:${params.orderId}`;
    let body = this.recorded.get(key);
    if (body === undefined) {
      body = JSON.stringify(this.quoter(params.from, params.to));
      this.recorded.set(key, body);
      this.fresh.push({ key, body });
    }
    const answer = JSON.parse(body) as { distance: number | null; duration: number | null };
    this.deliver({ type: 'route.quote', orderId: params.orderId, ...answer });
  }

  private findCouriers(params: { orderId: string; point: Point; radius: number; category: string }): void {
    this.kernel.schedule(this.kernel.now, () => {
      const ctx = this.context;
      const limit = ctx.policy?.kind === 'push-pull' ? ctx.policy.pushLimit : PUSH_LIMIT;
      const courierIds = this.locator.near(params.point, params.radius, params.category, ctx.couriers, limit);
      this.actor.send({ type: 'couriers.found', orderId: params.orderId, courierIds });
    });
  }

  private lifecycle(params: LifecycleParams): void {
    const at = this.kernel.now;
    this.orders.step(params, at);
    const publisherId = this.orderContext(params.orderId)?.request?.publisherId;
    if (typeof publisherId === 'string') this.orders.parties(params.orderId, { publisherId, fee: null });
    if (params.step !== 'created') return;
    // The fee is assigned in the very transition that reports `created`: read it once that is over.
    this.kernel.schedule(at, () => {
      const fee = this.orderContext(params.orderId)?.fee;
      if (typeof fee === 'number') this.orders.parties(params.orderId, { publisherId: null, fee });
    });
  }

  private orderContext(orderId: string): { request?: { publisherId?: unknown }; fee?: unknown } | undefined {
    const snapshot = this.actor.system.get(orderId)?.getSnapshot() as { context?: unknown } | undefined;
    return snapshot?.context as { request?: { publisherId?: unknown }; fee?: unknown } | undefined;
  }
}
