import { assign, enqueueActions, setup } from 'xstate';
import type { CryptoPort } from './crypto-port.ts';
import {
  advanceEidTable,
  buildEidTable,
  type EidTable,
  emptyReplayCache,
  lookupEid,
  type RegisteredDevice,
  type ReplayCache,
  resolveAdvertisement,
  slotAt,
} from './ephemeral-id.ts';
import type { CountParams } from './errand-order.ts';
import { emptyMap, mapDelete, mapGet, mapSet, type PersistentMap } from './persistent-map.ts';

export interface BeaconDeskInput {
  readonly crypto: CryptoPort;
  /** Every provisioned beacon and its secret. */
  readonly registry: readonly RegisteredDevice[];
  readonly slotSeconds: number;
  readonly driftSlots: number;
}

export interface Binding {
  readonly orderId: string;
  readonly storeId: string;
}

export interface BeaconDeskContext extends BeaconDeskInput {
  /** The ids of every registered beacon around the current slot (one lookup per sighting). */
  table: EidTable | null;
  seen: ReplayCache;
  /** Beacon → the preorder waiting for it. */
  bound: PersistentMap<Binding>;
}

export type BeaconDeskEvent =
  | { type: 'beacon.bind'; orderId: string; beaconId: string; storeId: string }
  | { type: 'beacon.unbind'; orderId: string; beaconId: string }
  /** A store's curb scanner heard an advertisement (its clock, sim ms). */
  | { type: 'scanner.report'; storeId: string; eid: string; heardAt: number };

export type SightingRefusal = 'unknown_device' | 'outside_window' | 'replayed' | 'not_bound' | 'wrong_store';

export type Sighting =
  | { readonly ok: true; readonly orderId: string; readonly table: EidTable; readonly seen: ReplayCache }
  | { readonly ok: false; readonly reason: SightingRefusal; readonly table: EidTable };

/**
 * Resolves and authenticates one sighting: the table is moved to the slot the scanner heard it in,
 * the id resolved to a registered beacon within the drift window (else `unknown_device` — a foreign
 * advertisement — or `outside_window` — a recorded one played back later), the beacon must be bound
 * to a preorder (`not_bound`) for this very store (`wrong_store`), and a (beacon, slot) is accepted
 * once per preorder (`replayed`). Pure: returns the new table and replay cache.
 */
export function resolveSighting(
  ctx: BeaconDeskContext,
  sighting: { storeId: string; eid: string; heardAt: number },
): Sighting {
  const heardAt = sighting.heardAt / 1000;
  const centre = slotAt(heardAt, ctx.slotSeconds);
  const table =
    ctx.table === null
      ? buildEidTable(ctx.crypto, ctx.registry, centre, ctx.driftSlots)
      : advanceEidTable(ctx.crypto, ctx.registry, ctx.table, centre);
  const device = lookupEid(table, sighting.eid)?.deviceId;
  const binding = device === undefined ? undefined : mapGet(ctx.bound, device);
  const r = resolveAdvertisement(
    ctx.crypto,
    ctx.registry,
    { eid: sighting.eid, heardAt },
    {
      slotSeconds: ctx.slotSeconds,
      driftSlots: ctx.driftSlots,
      seen: ctx.seen,
      scope: binding?.orderId ?? '',
      table,
    },
  );
  if (!r.ok) return { ok: false, reason: r.reason, table };
  if (!binding) return { ok: false, reason: 'not_bound', table };
  if (binding.storeId !== sighting.storeId) return { ok: false, reason: 'wrong_store', table };
  return { ok: true, orderId: binding.orderId, table, seen: r.nextSeen };
}

/**
 * Dispatch's beacon desk (flow 5), a long-lived child of the server: it keeps which beacon is bound
 * to which preorder, the table of every beacon's ids around the current slot, and the replay cache;
 * it resolves each curb sighting and tells the preorder its car has arrived, or counts the refusal
 * (foreign, replayed or outside the window, unbound, wrong store).
 */
export const beaconDeskMachine = setup({
  types: {
    context: {} as BeaconDeskContext,
    events: {} as BeaconDeskEvent,
    input: {} as BeaconDeskInput,
  },
  actions: {
    count: (_, _params: CountParams) => {},
  },
}).createMachine({
  id: 'beaconDesk',
  context: ({ input }) => ({ ...input, table: null, seen: emptyReplayCache(), bound: emptyMap() }),
  on: {
    'beacon.bind': {
      actions: assign({
        bound: ({ context, event }) =>
          mapSet(context.bound, event.beaconId, { orderId: event.orderId, storeId: event.storeId }),
      }),
    },
    'beacon.unbind': {
      guard: ({ context, event }) => mapGet(context.bound, event.beaconId)?.orderId === event.orderId,
      actions: assign({ bound: ({ context, event }) => mapDelete(context.bound, event.beaconId) }),
    },
    'scanner.report': {
      actions: enqueueActions(({ context, event, enqueue, system }) => {
        const s = resolveSighting(context, event);
        if (s.ok) {
          enqueue.assign({ table: s.table, seen: s.seen });
          const order = system.get(s.orderId);
          const arrived = { type: 'preorder.arrived', orderId: s.orderId, storeId: event.storeId };
          if (order) enqueue.sendTo(order, arrived as { type: string });
          enqueue({ type: 'count', params: { flow: 'preorder', counter: 'resolvedAdvertisements' } });
        } else {
          enqueue.assign({ table: s.table });
          enqueue({
            type: 'count',
            params: { flow: 'preorder', counter: `refusedAdvertisements.${s.reason}` },
          });
        }
      }),
    },
  },
});
