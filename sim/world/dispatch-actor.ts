import { type Actor, createActor } from 'xstate';
import { dispatchMachine } from '../../machines/dispatch.ts';
import { DEFAULT_ERRAND_FEES } from '../../machines/errand-fees.ts';
import {
  type BroadcastParams,
  errandOrderMachine,
  type LifecycleParams,
  type SendParams,
} from '../../machines/errand-order.ts';
import type { City } from '../city/city.ts';
import { errandTimingOf } from '../dispatch-server/dispatch-settings.ts';
import { roadQuoter } from '../dispatch-server/route-quoter.ts';
import { indexScheduledEvents } from '../kernel/indexed-scheduler.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { NetMessage, SimNet } from '../kernel/net.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { CourierAssignment } from './courier-assignment.ts';
import type { EscrowPayments } from './escrow-payments.ts';
import type { Flows } from './flows.ts';
import type { Metrics } from './metrics.ts';
import { orderShardsFor } from './order-shards.ts';
import type { RemoteDispatch } from './remote-dispatch.ts';
import { observeSystemSnapshots } from './system-snapshots.ts';

/** What dispatch's ports reach in the world: the net, the clock, the spatial port, the books. */
export interface DispatchActorWorld {
  readonly scenario: Scenario;
  readonly city: City;
  readonly kernel: Kernel;
  readonly net: SimNet;
  readonly metrics: Metrics;
  readonly assignment: CourierAssignment;
  readonly payments: EscrowPayments;
  readonly flows: Flows;
  /** When set, couriers and customers reach dispatch through this server instead. */
  readonly remoteDispatch: RemoteDispatch | undefined;
  /** Whether the id is one of the world's couriers (the remote bridge signs in by role). */
  isCourier(id: string): boolean;
  /** Logs an actor's state when it changed. */
  observeState(id: string, value: unknown): void;
  /** An actor of dispatch's system is done: its last logged state is forgotten. */
  forgetState(id: string): void;
}

/**
 * Builds and starts the dispatch actor, the one the whole city talks to. It is its own file
 * because its wiring is a concept apart from the rest of the world: the named effects of dispatch
 * and of the errand orders it hosts (net, routing quote, spatial search, lifecycle metrics,
 * payments), its input from the scenario, the state log of every order it spawns, and its net
 * address, bridged to a remote dispatch server when the run has one.
 */
export function createDispatchActor(w: DispatchActorWorld): Actor<typeof dispatchMachine> {
  const e = w.scenario.dispatch.errand;
  const quoter = roadQuoter(w.city);
  // dispatch and the orders it hosts speak from the one address 'dispatch'
  const send = (_: unknown, params: SendParams) => w.net.send('dispatch', params.to, params.message);
  const broadcast = (_: unknown, params: BroadcastParams) => {
    for (const to of params.to) w.net.send('dispatch', to, params.message);
  };
  const orderMachine = errandOrderMachine.provide({
    actions: {
      send,
      broadcast,
      // the routing port: car route distance and duration, or nulls when unreachable
      requestQuote: (_, params) =>
        w.net.send('routing', 'dispatch', {
          type: 'route.quote',
          orderId: params.orderId,
          ...quoter(params.from, params.to),
        }),
      findCouriers: (_, params) =>
        w.assignment.orderSearching(params.orderId, params.point, params.radius, params.category),
      lifecycle: (_, params: LifecycleParams) => {
        w.metrics.lifecycle(params, w.kernel.now);
        w.assignment.orderStep(params.orderId, params.step);
      },
    },
  });
  const machine = dispatchMachine.provide({
    actors: { errandOrder: orderMachine, ...w.flows.orderActors() },
    actions: {
      send,
      broadcast,
      payments: (_, params) => w.payments.execute(params),
      violation: (_, params) => w.metrics.violation(`${params.rule}: ${params.detail}`),
    },
  });
  const dispatch = createActor(machine, {
    id: 'dispatch',
    clock: w.kernel.clock,
    input: {
      fees: e.fees ?? DEFAULT_ERRAND_FEES,
      pullLimit: e.pullLimit,
      policy: w.assignment.policy,
      flows: w.flows.dispatchInput(),
      orderShards: orderShardsFor(w.scenario),
      timing: errandTimingOf(w.scenario),
    },
  });
  observeSystemSnapshots(dispatch, {
    next: (id, snapshot) => {
      if (snapshot.value !== undefined) w.observeState(id, snapshot.value);
    },
    end: (id) => w.forgetState(id),
  });
  // dispatch reads time from the messages it gets (key windows, beacon slots): the net stamps it
  const local = (message: NetMessage) => dispatch.send({ ...message, at: w.kernel.now } as never);
  const roleOf = (id: string) => (w.isCourier(id) ? 'courier' : /^U\d+$/.test(id) ? 'customer' : undefined);
  w.net.register('dispatch', w.remoteDispatch?.bridge(w.net, w.kernel, roleOf, local) ?? local);
  indexScheduledEvents(dispatch);
  dispatch.start();
  w.flows.cartDesk = () =>
    dispatch.system.get('carts')?.getSnapshot().context as ReturnType<Flows['cartDesk']>;
  return dispatch;
}
