import { assign, sendParent, setup } from 'xstate';
import { type DigitalKey, issueKey, upgradeKey } from './digital-key.ts';
import type {
  CountParams,
  LifecycleParams,
  OrderToDispatch,
  OutboundMessage,
  SendParams,
} from './errand-order.ts';
import type { Placement, RentalRequest } from './protocol.ts';
import type { KeyIssuer } from './trunk-order.ts';

export interface RentalTerms {
  readonly pricePerMinuteCents: number;
  /** An unended rental is closed by dispatch this long after its key's window. */
  readonly closeAfterMs: number;
  /** A revocation the car has not acknowledged (no link) is sent again this often. */
  readonly revokeRetryMs: number;
}

export interface RentalInput {
  readonly rentalId: string;
  readonly request: RentalRequest;
  readonly terms: RentalTerms;
  readonly keys: KeyIssuer;
}

export interface RentalContext extends RentalInput {
  key: DigitalKey | null;
  /** Every key id issued for this rental: all are revoked at the end. */
  issued: string[];
  /** Revocations the car has not acknowledged yet. */
  pending: string[];
  startedAt: number;
  now: number;
  chargedCents: number;
}

type Stamped = { at?: number };
export type RentalEvent = Stamped &
  (
    | { type: 'placement.checked'; orderId: string; placement: Placement }
    | { type: 'rental.upgrade'; rentalId: string; renterId: string; licence: string }
    | { type: 'rental.end'; rentalId: string; renterId: string }
    | { type: 'vehicle.revoked'; vehicleId: string; keyId: string }
    | { type: 'order.repeat'; orderId: string }
  );

/**
 * Licences dispatch accepts for an upgrade: two letters and six digits. The check stands for the
 * real verification (licence registry, deposit); the key rules only require that one was made.
 */
export function licenceVerified(licence: string): boolean {
  return /^[A-Z]{2}\d{6}$/.test(licence);
}

type Ctx = { context: RentalContext };

const seconds = (ms: number) => Math.floor(ms / 1000);
const holdOf = (ctx: RentalContext) => Math.ceil(ctx.request.minutes) * ctx.terms.pricePerMinuteCents;

function toRenter(message: (ctx: RentalContext) => OutboundMessage) {
  return {
    type: 'send' as const,
    params: ({ context }: Ctx): SendParams => ({ to: context.request.renterId, message: message(context) }),
  };
}

function toParent(make: (ctx: RentalContext) => OrderToDispatch) {
  return sendParent<RentalContext, RentalEvent, undefined, OrderToDispatch, RentalEvent>(({ context }) =>
    make(context),
  );
}

function lifecycle(step: LifecycleParams['step']) {
  return {
    type: 'lifecycle' as const,
    params: ({ context }: Ctx): LifecycleParams => ({
      orderId: context.rentalId,
      flow: 'rental',
      step,
      courierId: null,
      dueBy: context.startedAt + context.request.minutes * 60_000,
    }),
  };
}

function count(counter: string) {
  return { type: 'count' as const, params: (): CountParams => ({ flow: 'rental', counter }) };
}

/** Sends the car a revocation of every key it has not acknowledged (over its data link). */
const revokePending = {
  type: 'sendEach' as const,
  params: ({ context }: Ctx) => ({
    to: context.request.vehicleId,
    messages: context.pending.map((keyId) => ({ type: 'vehicle.revoke', keyId })),
  }),
};

/**
 * One rental at dispatch (flow 3). The renter gets a key for the car that unlocks and locks the doors
 * and nothing else (entitlements are data); the car refuses and audits anything more. After a
 * verification the key is upgraded to start the engine (the new key supersedes the old one). At the
 * end — the renter's, or dispatch's once the window is over — the renter pays the minutes used (held
 * up front for the minutes asked, the rest refunded) and every key of the rental is revoked in the
 * car; a car without a link gets the revocation again until it acknowledges, and keeps it for good
 * once it has (its revocation list), link or not.
 */
export const rentalMachine = setup({
  types: {
    context: {} as RentalContext,
    events: {} as RentalEvent,
    input: {} as RentalInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
    /** Several messages to one recipient (revocations of each key). */
    sendEach: (_, _params: { to: string; messages: readonly OutboundMessage[] }) => {},
    /** Asks the vehicle port whether the car is parked (anywhere: `areaId` '*'). */
    checkPlacement: (_, _params: { orderId: string; vehicleId: string; areaId: string }) => {},
    lifecycle: (_, _params: LifecycleParams) => {},
    count: (_, _params: CountParams) => {},
    stamp: assign(({ context, event }) => ({ now: event.at ?? context.now })),
  },
  guards: {
    available: ({ event }) => event.type === 'placement.checked' && event.placement.ok,
    fromRenter: ({ context, event }) => 'renterId' in event && event.renterId === context.request.renterId,
    verified: ({ event }) => event.type === 'rental.upgrade' && licenceVerified(event.licence),
    upgraded: ({ context }) => context.issued.length > 1,
    lastAck: ({ context, event }) =>
      event.type === 'vehicle.revoked' && context.pending.length === 1 && context.pending[0] === event.keyId,
    /** Checked when a retry is due: by then the key's window may be over (the car refuses it anyway). */
    keysExpired: ({ context }) =>
      context.key === null || seconds(context.now + context.terms.revokeRetryMs) >= context.key.validUntil,
  },
  delays: {
    closeAfter: ({ context }) =>
      Math.max(0, (context.key?.validUntil ?? 0) * 1000 - context.now) + context.terms.closeAfterMs,
    revokeRetry: ({ context }) => context.terms.revokeRetryMs,
  },
}).createMachine({
  id: 'rental',
  context: ({ input }) => ({
    ...input,
    key: null,
    issued: [],
    pending: [],
    startedAt: 0,
    now: 0,
    chargedCents: 0,
  }),
  initial: 'checking',
  // a repeated request (a duplicated message) gets the same key again, never a second rental
  on: {
    'order.repeat': {
      guard: ({ context }) => context.key !== null,
      actions: toRenter((ctx) => ({
        type: 'rental.granted',
        requestId: ctx.request.requestId,
        rentalId: ctx.rentalId,
        vehicleId: ctx.request.vehicleId,
        key: ctx.key,
      })),
    },
  },
  states: {
    checking: {
      entry: {
        type: 'checkPlacement',
        params: ({ context }) => ({
          orderId: context.rentalId,
          vehicleId: context.request.vehicleId,
          areaId: '*',
        }),
      },
      on: {
        'placement.checked': [
          {
            guard: 'available',
            target: 'active',
            actions: [
              'stamp',
              assign(({ context, event }) => {
                const from = seconds(context.now);
                const key = issueKey(context.keys.crypto, context.keys.privateKey, {
                  keyId: `${context.rentalId}:K1`,
                  vehicleId: context.request.vehicleId,
                  holderId: context.request.renterId,
                  entitlements: ['door_unlock', 'door_lock'],
                  validFrom: from,
                  validUntil: from + Math.ceil(context.request.minutes * 60),
                  maxUses: null,
                  revocationEpoch: event.type === 'placement.checked' ? event.placement.epoch : 0,
                  issuedAt: from,
                });
                return { key, issued: [key.keyId], startedAt: context.now };
              }),
              toParent((ctx) => ({
                type: 'ledger.hold',
                orderId: ctx.rentalId,
                payer: ctx.request.renterId,
                amount: holdOf(ctx),
              })),
              toRenter((ctx) => ({
                type: 'rental.granted',
                requestId: ctx.request.requestId,
                rentalId: ctx.rentalId,
                vehicleId: ctx.request.vehicleId,
                key: ctx.key,
              })),
              lifecycle('created'),
              lifecycle('assigned'),
            ],
          },
          {
            target: 'refused',
            actions: toRenter((ctx) => ({
              type: 'rental.refused',
              requestId: ctx.request.requestId,
              reason: 'vehicle_unavailable',
            })),
          },
        ],
      },
    },
    active: {
      after: { closeAfter: { target: 'ending', actions: count('closedByDispatch') } },
      on: {
        'rental.upgrade': [
          {
            guard: 'upgraded',
            actions: toRenter((ctx) => ({
              type: 'rental.upgradeRefused',
              rentalId: ctx.rentalId,
              reason: 'nothing_to_add',
            })),
          },
          {
            guard: 'verified',
            actions: [
              'stamp',
              assign(({ context }) => {
                const r = upgradeKey(
                  context.keys.crypto,
                  context.keys.privateKey,
                  context.key as DigitalKey,
                  {
                    keyId: `${context.rentalId}:K2`,
                    addEntitlements: ['engine_start'],
                    issuedAt: seconds(context.now),
                    verified: true,
                  },
                );
                return r.ok ? { key: r.key, issued: [...context.issued, r.key.keyId] } : {};
              }),
              toRenter((ctx) => ({ type: 'rental.upgraded', rentalId: ctx.rentalId, key: ctx.key })),
              count('upgraded'),
            ],
          },
          {
            actions: [
              toRenter((ctx) => ({
                type: 'rental.upgradeRefused',
                rentalId: ctx.rentalId,
                reason: 'not_verified',
              })),
              count('upgradeRefused'),
            ],
          },
        ],
        'rental.end': { guard: 'fromRenter', target: 'ending', actions: 'stamp' },
      },
    },
    ending: {
      entry: [
        assign(({ context }) => {
          const minutes = Math.max(1, Math.ceil((context.now - context.startedAt) / 60_000));
          return {
            chargedCents: Math.min(holdOf(context), minutes * context.terms.pricePerMinuteCents),
            pending: context.issued,
          };
        }),
        toParent((ctx) => ({
          type: 'ledger.settle',
          orderId: ctx.rentalId,
          payee: 'fleet',
          payout: ctx.chargedCents,
          commission: 0,
          refund: holdOf(ctx) - ctx.chargedCents,
        })),
        toRenter((ctx) => ({
          type: 'rental.closed',
          rentalId: ctx.rentalId,
          chargedCents: ctx.chargedCents,
          reason: 'ended',
        })),
        lifecycle('completed'),
        revokePending,
      ],
      always: { target: 'revoking' },
    },
    // the order is paid and over; the keys are being revoked in the car
    revoking: {
      after: {
        revokeRetry: [
          { guard: 'keysExpired', target: 'closed', actions: count('revocationOutlivedByExpiry') },
          {
            target: 'revoking',
            reenter: true,
            actions: [
              assign({ now: ({ context }) => context.now + context.terms.revokeRetryMs }),
              revokePending,
              count('revokeResent'),
            ],
          },
        ],
      },
      on: {
        'vehicle.revoked': [
          { guard: 'lastAck', target: 'closed' },
          {
            actions: assign({
              pending: ({ context, event }) =>
                event.type === 'vehicle.revoked'
                  ? context.pending.filter((k) => k !== event.keyId)
                  : context.pending,
            }),
          },
        ],
        // the renter's end crossed dispatch's: answer it again
        'rental.end': {
          guard: 'fromRenter',
          actions: toRenter((ctx) => ({
            type: 'rental.closed',
            rentalId: ctx.rentalId,
            chargedCents: ctx.chargedCents,
            reason: 'ended',
          })),
        },
      },
    },
    closed: {
      type: 'final',
      entry: toParent((ctx) => ({
        type: 'order.ended',
        orderId: ctx.rentalId,
        courierId: null,
        outcome: 'completed',
        reason: 'ended',
        vehicleId: ctx.request.vehicleId,
      })),
    },
    refused: {
      type: 'final',
      entry: [
        lifecycle('rejected'),
        count('refusedAtRequest'),
        toParent((ctx) => ({
          type: 'order.ended',
          orderId: ctx.rentalId,
          courierId: null,
          outcome: 'rejected',
          reason: 'vehicle_unavailable',
          vehicleId: ctx.request.vehicleId,
        })),
      ],
    },
  },
});
