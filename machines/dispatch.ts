import type { AnyActorRef } from 'xstate';
import { EMPTY_RELAY } from './chat-relay.ts';
import { courierRoutes } from './dispatch-courier-routes.ts';
import { flowRoutes } from './dispatch-flow-routes.ts';
import { orderReports } from './dispatch-order-reports.ts';
import { orderRoutes } from './dispatch-order-routes.ts';
import { dispatchSetup } from './dispatch-setup.ts';
import { EMPTY_LEDGER } from './escrow-ledger.ts';
import { ORDER_SHARDS, type OrderKind, orderShardMachine } from './order-shard.ts';
import { emptyMap } from './persistent-map.ts';

export type { CourierRecord, DispatchContext, DispatchEvent, DispatchInput } from './dispatch-setup.ts';
export { pullListings } from './dispatch-setup.ts';

/**
 * The dispatch server of every flow. It prices and decides nothing per order itself: each order is
 * a child actor (system id = order id) that owns its lifecycle — `errandOrder` (E…), `trunkOrder`
 * (T…), `rental` (R…), `preorder` (P…) — and two long-lived desks keep the robot carts (`carts`) and
 * resolve beacon sightings (`beacons`). The server validates and routes inbound messages, opens each
 * order once per request id (a repeated request is answered again), keeps the shared tables
 * (courier registry, open listings for pulls, the escrow ledger, the chat relay, rented cars, busy
 * beacons) and answers what concerns no single order. Its routes are grouped by who sends them:
 * dispatch-order-routes.ts (errands, and messages for an open order), dispatch-courier-routes.ts
 * (what parties ask the server itself), dispatch-order-reports.ts (what orders report back) and
 * dispatch-flow-routes.ts (the four flows beyond errands).
 */
const dispatchRoot = dispatchSetup.createMachine({
  id: 'dispatch',
  context: ({ input, spawn }) => ({
    ...input,
    desks: input.flows
      ? {
          carts: spawn('cartDesk', {
            id: 'carts',
            systemId: 'carts',
            input: input.flows.robot,
          }) as AnyActorRef,
          beacons: spawn('beaconDesk', {
            id: 'beacons',
            systemId: 'beacons',
            input: { ...input.flows.preorder.beacons, crypto: input.flows.keys.crypto },
          }) as AnyActorRef,
        }
      : null,
    rentedVehicles: emptyMap(),
    busyBeacons: emptyMap(),
    orderSeq: 0,
    orders: emptyMap(),
    listings: emptyMap(),
    listingCells: emptyMap(),
    ledger: EMPTY_LEDGER,
    relay: EMPTY_RELAY,
    couriers: emptyMap(),
    requests: emptyMap(),
    flowOrders: emptyMap(),
    flowSeq: 0,
    refusals: [],
    // the order shards are children only (orders are addressed by id, never by a ref in the context)
    ...spawnShards(
      spawn as unknown as (src: 'orderShard', options: { id: string }) => unknown,
      input.orderShards ?? ORDER_SHARDS,
    ),
  }),
  initial: 'serving',
  states: {
    serving: {
      on: {
        ...orderRoutes.on,
        ...courierRoutes.on,
        ...orderReports.on,
        ...flowRoutes.on,
      },
    },
  },
});

function spawnShards(
  spawn: (src: 'orderShard', options: { id: string }) => unknown,
  shards: number,
): Record<never, never> {
  for (let i = 0; i < shards; i++) spawn('orderShard', { id: `orders${i}` });
  return {};
}

const ORDER_KINDS: readonly OrderKind[] = ['errandOrder', 'trunkOrder', 'rental', 'preorder'];

/**
 * The open orders are the children of the shards (see order-shard.ts), not of dispatch: so that
 * `dispatchMachine.provide({ actors: { errandOrder, … } })` still reaches them, every provided copy
 * of dispatch hands its order actors on to its shards.
 */
function shardingOrders<M extends typeof dispatchRoot>(machine: M): M {
  const provide = machine.provide.bind(machine);
  return Object.assign(machine, {
    provide: (implementations: Parameters<M['provide']>[0]) => {
      const actors = provide(implementations).implementations.actors;
      const orders = Object.fromEntries(ORDER_KINDS.map((kind) => [kind, actors[kind]]));
      const orderShard = orderShardMachine.provide({ actors: orders as never });
      return shardingOrders(
        provide({ ...implementations, actors: { ...implementations.actors, orderShard } } as never),
      );
    },
  });
}

/**
 * The dispatch server of every flow (see dispatchRoot above for what it keeps and routes).
 */
export const dispatchMachine = shardingOrders(dispatchRoot);
