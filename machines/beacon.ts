import { assign, setup } from 'xstate';
import type { CryptoPort } from './crypto-port.ts';
import { EID_SLOT_SECONDS, ephemeralId } from './ephemeral-id.ts';
import type { SendParams } from './errand-order.ts';

export interface BeaconInput {
  readonly id: string;
  readonly vehicleId: string;
  /** The device secret (shared with dispatch's registry at provisioning, never broadcast). */
  readonly secret: Uint8Array;
  readonly crypto: CryptoPort;
  /** How far the beacon's own clock is off the true time (ms, either sign): clock drift. */
  readonly clockOffsetMs: number;
  readonly slotSeconds?: number;
}

export interface BeaconContext extends BeaconInput {
  /** The owner's phone, once paired; pairing is refused to any other phone. */
  pairedPhone: string | null;
  /** True time (ms) of the last power-on or rotation: the beacon's clock reads this + offset. */
  now: number;
  eid: string | null;
  rotations: number;
}

export type BeaconEvent =
  | { type: 'power.on'; at?: number }
  | { type: 'power.off'; at?: number }
  | { type: 'beacon.pair'; phoneId: string; at?: number };

export interface AdvertiseParams {
  readonly beaconId: string;
  readonly vehicleId: string;
  /** The id now on air, or null when the beacon stops broadcasting. */
  readonly eid: string | null;
}

function slotMs(ctx: BeaconContext): number {
  return (ctx.slotSeconds ?? EID_SLOT_SECONDS) * 1000;
}

/** The slot the beacon's own (drifted) clock is in at true time `now`. */
export function beaconSlot(ctx: BeaconContext, now: number): number {
  return Math.floor((now + ctx.clockOffsetMs) / slotMs(ctx));
}

function eidAt(ctx: BeaconContext, now: number): string {
  return ephemeralId(ctx.crypto, ctx.secret, beaconSlot(ctx, now));
}

const advertise = {
  type: 'advertise' as const,
  params: ({ context }: { context: BeaconContext }): AdvertiseParams => ({
    beaconId: context.id,
    vehicleId: context.vehicleId,
    eid: context.eid,
  }),
};

const answerPaired = {
  type: 'send' as const,
  params: ({ context }: { context: BeaconContext }): SendParams => ({
    to: context.pairedPhone ?? '',
    message: { type: 'beacon.paired', beaconId: context.id, phoneId: context.pairedPhone },
  }),
};

/**
 * The beacon in a car's 12 V socket (flow 5): powered with the ignition, paired once with the
 * owner's phone, and while powered broadcasting a rotating ephemeral id — a keyed hash of its
 * secret and the time slot of its own clock, which may drift. A listener cannot link two slots' ids
 * or forge one; dispatch, holding the secret, resolves it. The id changes at each slot boundary of
 * the beacon's clock (a delayed transition on sim time).
 */
export const beaconMachine = setup({
  types: {
    context: {} as BeaconContext,
    events: {} as BeaconEvent,
    input: {} as BeaconInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
    /** Puts an id on air (the radio the store scanners hear), or takes the beacon off air. */
    advertise: (_, _params: AdvertiseParams) => {},
  },
  guards: {
    unpaired: ({ context }) => context.pairedPhone === null,
    samePhone: ({ context, event }) => event.type === 'beacon.pair' && event.phoneId === context.pairedPhone,
  },
  delays: {
    /** Until the next slot boundary of the beacon's own clock. */
    nextSlot: ({ context }) => {
      const ms = slotMs(context);
      const local = context.now + context.clockOffsetMs;
      return ms - (((local % ms) + ms) % ms);
    },
  },
}).createMachine({
  id: 'beacon',
  context: ({ input }) => ({ ...input, pairedPhone: null, now: 0, eid: null, rotations: 0 }),
  initial: 'off',
  states: {
    off: {
      on: {
        'power.on': {
          target: 'broadcasting',
          actions: assign(({ context, event }) => {
            const now = event.at ?? context.now;
            return { now, eid: eidAt(context, now) };
          }),
        },
      },
    },
    broadcasting: {
      entry: advertise,
      after: {
        nextSlot: {
          target: 'broadcasting',
          reenter: true,
          actions: assign(({ context }) => {
            const ms = slotMs(context);
            const local = context.now + context.clockOffsetMs;
            const now = context.now + ms - (((local % ms) + ms) % ms);
            return { now, eid: eidAt(context, now), rotations: context.rotations + 1 };
          }),
        },
      },
      on: {
        'power.off': {
          target: 'off',
          actions: [assign(({ context, event }) => ({ now: event.at ?? context.now, eid: null })), advertise],
        },
        'beacon.pair': [
          {
            guard: 'unpaired',
            actions: [assign({ pairedPhone: ({ event }) => event.phoneId }), answerPaired],
          },
          { guard: 'samePhone', actions: answerPaired },
          {
            actions: {
              type: 'send',
              params: ({ context, event }) => ({
                to: event.phoneId,
                message: { type: 'beacon.pairRefused', beaconId: context.id, reason: 'already_paired' },
              }),
            },
          },
        ],
      },
    },
  },
});
