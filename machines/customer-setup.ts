/**
 * The customer's types and named effects, shared by the state configs of each flow
 * (customer-car.ts, customer-rental.ts, customer-robot.ts) and assembled in customer.ts.
 */
import { assign, setup } from 'xstate';
import type { DigitalKey, Entitlement } from './digital-key.ts';
import type { SendParams } from './errand-order.ts';
import type {
  CartAnswer,
  ChatDelivery,
  DispatchToCustomer,
  ErrandDemand,
  ItemLine,
  Point,
  VehicleToHolder,
} from './protocol.ts';

export interface CustomerInput {
  readonly id: string;
  readonly home: Point;
  readonly phone: string;
  /** How long the customer's app waits for dispatch (or a car, a robot) to answer. */
  readonly answerTimeoutMs: number;
  /** The customer's registered car and the phone key for it (car owners only). */
  readonly vehicleId?: string | null;
  readonly ownerKey?: DigitalKey | null;
  /** The beacon plugged into the car's 12 V socket, if any. */
  readonly beaconId?: string | null;
  /** Member code the robots identify the customer by. */
  readonly memberCode?: string;
}

/** Flow 1: a purchase for delivery into the customer's own trunk. */
export interface TrunkDemand {
  readonly type: 'demand.trunk';
  readonly storeId: string;
  readonly items: readonly ItemLine[];
  readonly goodsCents: number;
  readonly dueBy: number;
}

/** The owner drives the car to another parking space (and so, sometimes, away from a delivery). */
export interface TripDemand {
  readonly type: 'demand.trip';
  readonly to: Point;
  readonly parkingSpaceId: string | null;
}

/** Flow 5: pair the phone with the car's beacon, preorder, drive to the curb, drive back. */
export interface PreorderDemand {
  readonly type: 'demand.preorder';
  readonly storeId: string;
  readonly curb: Point;
  readonly items: readonly ItemLine[];
  readonly totalCents: number;
  /** Where the car is parked again afterwards. */
  readonly back: Point;
  readonly backSpaceId: string | null;
  /** The customer gives up waiting at the curb after this long. */
  readonly waitMs: number;
}

/** Flow 3: rent a pool car; what the renter tries is data drawn by the world. */
export interface RentalDemand {
  readonly type: 'demand.rental';
  readonly vehicleId: string;
  readonly carPosition: Point;
  readonly minutes: number;
  /** Time spent in the car (fetching something, waiting) when not driving it. */
  readonly useMs: number;
  /** Tries to start the engine with the door-only key (refused and audited). */
  readonly tryEngine: boolean;
  /** Asks for an upgrade to drive, with this licence ('' = none: refused). */
  readonly upgradeLicence: string | null;
  /** Where to drive once upgraded. */
  readonly driveTo: Point;
  readonly driveToSpaceId: string | null;
  /** Tries the key again this long after the rental ended (refused: revoked or expired). */
  readonly misuseAfterMs: number | null;
}

export type RobotPick = { readonly kind: 'take' | 'putBack'; readonly productId: string };

/** Flow 2: meet a robot, take and put back items, look at the cart and pay (or not). */
export interface RobotDemand {
  readonly type: 'demand.robot';
  readonly robotId: string;
  readonly robotAt: Point;
  readonly picks: readonly RobotPick[];
  readonly cartVia: 'robot' | 'phone';
  readonly payVia: 'robot' | 'phone' | 'none';
  /** Presses pay twice (a duplicated instruction): charged once. */
  readonly payTwice: boolean;
}

export type CustomerDemand =
  | ErrandDemand
  | TrunkDemand
  | TripDemand
  | PreorderDemand
  | RentalDemand
  | RobotDemand;

export interface CustomerContext extends CustomerInput {
  demand: ErrandDemand | null;
  requestSeq: number;
  orderId: string | null;
  courierMasked: string | null;
  trackingUpdates: number;
  chatReplies: number;
  /** The flow demand under way (trunk, trip, preorder, rental, robot), null when idle. */
  plan: Exclude<CustomerDemand, ErrandDemand> | null;
  /** Sequence of key presentations: a car's answer is matched by request id. */
  keySeq: number;
  paired: boolean;
  rentalId: string | null;
  rentalKey: DigitalKey | null;
  /** The key before an upgrade (a misuse attempt replays it). */
  oldRentalKey: DigitalKey | null;
  step: number;
  robotRetries: number;
  /** What the customer heard back, for tests and the twin. */
  deliveries: number;
  refusedKeys: number;
}

export type CustomerEvent =
  | CustomerDemand
  | DispatchToCustomer
  | ChatDelivery
  | VehicleToHolder
  | CartAnswer
  | { type: 'errand.cancelRefused'; orderId: string; reason: string }
  | { type: 'error'; about: string; reason: string; orderId?: string }
  | { type: 'car.arrived'; vehicleId: string; position: Point }
  | { type: 'travel.arrived'; position: Point }
  | { type: 'beacon.paired'; beaconId: string; phoneId: string }
  | { type: 'robot.session'; robotId: string; userId: string }
  | { type: 'robot.busy'; robotId: string }
  | { type: 'robot.empty'; robotId: string; productId: string };

function keyRequestId(ctx: CustomerContext): string {
  return `${ctx.id}-K${ctx.keySeq}`;
}

export const customerSetup = setup({
  types: {
    context: {} as CustomerContext,
    events: {} as CustomerEvent,
    input: {} as CustomerInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
    /** Walks to a point (to a rental car, to a robot); the world answers `travel.arrived`. */
    walk: (_, _params: { to: Point }) => {},
    nextKeyRequest: assign({ keySeq: ({ context }) => context.keySeq + 1 }),
    nextRequest: assign({ requestSeq: ({ context }) => context.requestSeq + 1 }),
    takePlan: assign(({ event }) => ({ plan: event as CustomerContext['plan'], step: 0, robotRetries: 0 })),
    countRefusedKey: assign({ refusedKeys: ({ context }) => context.refusedKeys + 1 }),
  },
  guards: {
    ourOrder: ({ context, event }) => 'orderId' in event && event.orderId === context.orderId,
    ourRequest: ({ context, event }) =>
      'requestId' in event && event.requestId === `${context.id}-R${context.requestSeq}`,
    willDispute: ({ context }) => context.demand?.willDispute === true,
    willCancelAfterAssign: ({ context }) => context.demand?.cancelAfterAssignMs != null,
    willChat: ({ context }) => context.demand?.chatAfterMs != null && context.courierMasked !== null,
    ownsCar: ({ context }) => context.vehicleId != null && context.ownerKey != null,
    hasBeacon: ({ context }) => context.beaconId != null,
    keyGranted: ({ context, event }) =>
      event.type === 'key.result' && event.requestId === keyRequestId(context) && event.ok,
    keyRefused: ({ context, event }) =>
      event.type === 'key.result' && event.requestId === keyRequestId(context) && !event.ok,
    ourKeyResult: ({ context, event }) =>
      event.type === 'key.result' && event.requestId === keyRequestId(context),
    ourCar: ({ context, event }) =>
      event.type === 'car.arrived' &&
      (event.vehicleId === context.vehicleId ||
        (context.plan?.type === 'demand.rental' && event.vehicleId === context.plan.vehicleId)),
    isPreorder: ({ context }) => context.plan?.type === 'demand.preorder',
    needsPairing: ({ context }) => context.plan?.type === 'demand.preorder' && !context.paired,
    ourRental: ({ context, event }) => 'rentalId' in event && event.rentalId === context.rentalId,
    ourUser: ({ context, event }) => 'userId' in event && event.userId === context.id,
  },
  delays: {
    answerTimeout: ({ context }) => context.answerTimeoutMs,
    patience: ({ context }) => context.demand?.patienceMs ?? 0,
    cancelAfterAssign: ({ context }) => context.demand?.cancelAfterAssignMs ?? 0,
    chatAfter: ({ context }) => context.demand?.chatAfterMs ?? 0,
    waitAtCurb: ({ context }) => (context.plan?.type === 'demand.preorder' ? context.plan.waitMs : 0),
    use: ({ context }) => (context.plan?.type === 'demand.rental' ? context.plan.useMs : 0),
    misuseAfter: ({ context }) =>
      context.plan?.type === 'demand.rental' ? (context.plan.misuseAfterMs ?? 0) : 0,
    /** Time to take an item out or put one back, or to wait for the robot's next turn. */
    pick: 10_000,
  },
});

export type CustomerSetup = typeof customerSetup;

type Args = { context: CustomerContext };

/** A `send` to `to` (the context decides) of `message`. */
export function sendFrom(
  to: (ctx: CustomerContext) => string,
  message: (ctx: CustomerContext) => SendParams['message'],
) {
  return {
    type: 'send' as const,
    params: ({ context }: Args): SendParams => ({ to: to(context), message: message(context) }),
  };
}

/**
 * Presents a key to a car (over Bluetooth, the car answers `key.result`): the next request id, then
 * the presentation. `which` picks the owner's key, the rental key, or the rental key before its
 * upgrade (a replay).
 */
export function presentKey(action: Entitlement, which: 'owner' | 'rental' | 'oldRental') {
  return [
    'nextKeyRequest' as const,
    sendFrom(
      (ctx) =>
        which === 'owner' ? (ctx.vehicleId ?? '') : ((ctx.plan as RentalDemand | null)?.vehicleId ?? ''),
      (ctx) => ({
        type: 'key.present',
        requestId: keyRequestId(ctx),
        presenterId: ctx.id,
        key:
          which === 'owner'
            ? ctx.ownerKey
            : which === 'rental'
              ? ctx.rentalKey
              : (ctx.oldRentalKey ?? ctx.rentalKey),
        action,
      }),
    ),
  ];
}

/** A message to the car the customer is using (own or rented). */
export function toCar(message: (ctx: CustomerContext) => SendParams['message']) {
  return sendFrom(
    (ctx) => (ctx.plan?.type === 'demand.rental' ? ctx.plan.vehicleId : (ctx.vehicleId ?? '')),
    message,
  );
}
