import { assign, type EventObject, enqueueActions, sendParent, setup, stopChild } from 'xstate';
import { errandOrderMachine } from './errand-order.ts';
import { preorderMachine } from './preorder.ts';
import { rentalMachine } from './rental.ts';
import { trunkOrderMachine } from './trunk-order.ts';

/** The kinds of order actor dispatch opens (the keys of its `actors`). */
export type OrderKind = 'errandOrder' | 'trunkOrder' | 'rental' | 'preorder';

export type OrderShardEvent =
  | { type: 'shard.open'; kind: OrderKind; orderId: string; input: unknown }
  | { type: 'shard.deliver'; orderId: string; event: EventObject }
  | { type: 'xstate.done.actor.*'; actorId?: string }
  | EventObject;

/** How many shards dispatch spreads its open orders over unless its input says otherwise. */
export const ORDER_SHARDS = 16;

/**
 * The shard (of `shards`) that holds an order: by the sequence number in its id (E12, T7…), so
 * consecutive orders land in different shards.
 */
export function shardOf(orderId: string, shards: number = ORDER_SHARDS): string {
  let n = 0;
  for (let i = 0; i < orderId.length; i++) {
    const c = orderId.charCodeAt(i);
    if (c >= 48 && c <= 57) n = (n * 10 + c - 48) % shards;
  }
  return `orders${n}`;
}

/**
 * A shard of dispatch's open orders: the order actors are its children, and it passes messages
 * down to them and their messages up to dispatch unchanged.
 *
 * Why: XState copies an actor's whole children record on every spawn and every stop. With all of a
 * day's ~300 open orders as children of dispatch, each order opened or ended copied a 300-entry
 * record (and left it to the GC), ~10 % of a Monaco day. Spread over 16 shards, a copy holds ~20.
 * A bigger city opens more orders at once, so its dispatch is given more shards (`orderShards`):
 * with 16 at a fifth of generated-xl's size these copies were 10 % of the run again.
 * The orders keep their system ids, so `system.get(orderId)` still finds them.
 */
export const orderShardMachine = setup({
  types: {
    events: {} as OrderShardEvent,
  },
  actors: {
    errandOrder: errandOrderMachine,
    trunkOrder: trunkOrderMachine,
    rental: rentalMachine,
    preorder: preorderMachine,
  },
}).createMachine({
  id: 'orderShard',
  initial: 'serving',
  states: {
    serving: {
      on: {
        'shard.open': {
          actions: assign(({ event, spawn }) => {
            const e = event as Extract<OrderShardEvent, { type: 'shard.open' }>;
            const open = spawn as unknown as (
              src: OrderKind,
              options: { id: string; systemId: string; input: unknown },
            ) => unknown;
            open(e.kind, { id: e.orderId, systemId: e.orderId, input: e.input });
            return {};
          }),
        },
        // an order that ended meanwhile (its end is on the way up to dispatch): the message is dropped
        'shard.deliver': {
          actions: enqueueActions(({ event, enqueue, self }) => {
            const e = event as Extract<OrderShardEvent, { type: 'shard.deliver' }>;
            const child = (self.getSnapshot() as { children: Record<string, unknown> }).children[e.orderId];
            if (child) enqueue.sendTo(e.orderId, e.event);
          }),
        },
        // a finished order is removed from the system, so snapshots do not grow all day
        'xstate.done.actor.*': {
          actions: stopChild(({ event }) => (event as { actorId?: string }).actorId ?? ''),
        },
        // everything else comes from an order and is for dispatch
        '*': { actions: sendParent(({ event }) => event) },
      },
    },
  },
});
