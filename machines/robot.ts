import { and, assign, enqueueActions, setup } from 'xstate';
import type { SendParams } from './errand-order.ts';
import { type CartAnswer, type CartRecorded, DISPATCH, type Point } from './protocol.ts';

export interface RobotInput {
  readonly id: string;
  readonly depot: Point;
  /** The stops of one round, visited in order, then again. */
  readonly stops: readonly Point[];
  readonly dwellMs: number;
  readonly restockMs: number;
  /** Goes back to the depot when any product is at or below this many items. */
  readonly restockBelow: number;
  /** A full load, per product. */
  readonly load: Readonly<Record<string, number>>;
  /** A session nobody closes (the user walked off) ends after this long. */
  readonly sessionTimeoutMs: number;
}

export interface RobotContext extends RobotInput {
  stock: Record<string, number>;
  stopIndex: number;
  /** The identified user the robot is serving, and what they took out in this session. */
  user: string | null;
  taken: Record<string, number>;
  /**
   * Sensor readings reported so far: each report carries `<robot>:<n>` so dispatch's cart desk
   * applies it once even when the network delivers it twice.
   */
  readings: number;
  /**
   * Readings dispatch has not confirmed yet, by reading id. They are sent again at every stop the
   * robot reaches until dispatch records them: an item taken while the robot was offline still ends
   * up in the user's cart.
   */
  unrecorded: Record<string, SensorReport>;
  /** Reading ids of the current session's takes and put-backs. */
  sessionReadings: readonly string[];
  shiftEnding: boolean;
  sessions: number;
}

type Session = { userId: string };

/**
 * What the robot reports to dispatch's cart desk and keeps until it is recorded: an item taken out
 * or put back, or the end of a user's session (which starts the unpaid-cart grace).
 */
export type SensorReport =
  | {
      readonly type: 'cart.take' | 'cart.putBack';
      readonly readingId: string;
      readonly robotId: string;
      readonly userId: string;
      readonly productId: string;
    }
  | {
      readonly type: 'cart.sessionEnded';
      readonly readingId: string;
      readonly robotId: string;
      readonly userId: string;
      /** The take and put-back readings of the session, so dispatch can wait for late ones. */
      readonly sessionReadings: readonly string[];
    };
export type RobotEvent =
  | { type: 'shift.start' }
  | { type: 'shift.end' }
  | { type: 'travel.arrived'; position: Point }
  | { type: 'robot.identify'; userId: string; memberCode: string }
  /** The lid and item sensors: an item taken out or put back by the user at the robot. */
  | (Session & { type: 'robot.take'; productId: string })
  | (Session & { type: 'robot.putBack'; productId: string })
  | (Session & { type: 'robot.showCart' })
  | (Session & { type: 'robot.pay'; paymentId: string })
  | (Session & { type: 'robot.leave' })
  | CartAnswer
  | CartRecorded;

/** What the robot loaded at the depot (for stock conservation: loaded = stock + carts + sold). */
export interface RestockParams {
  readonly robotId: string;
  readonly added: Readonly<Record<string, number>>;
}

type Ctx = { context: RobotContext };
type Args = Ctx & { event: RobotEvent };

function toDispatch(message: (ctx: RobotContext, event: RobotEvent) => SendParams['message']) {
  return {
    type: 'send' as const,
    params: ({ context, event }: Args): SendParams => ({ to: DISPATCH, message: message(context, event) }),
  };
}

function toUser(message: (ctx: RobotContext, event: RobotEvent) => SendParams['message']) {
  return {
    type: 'send' as const,
    params: ({ context, event }: Args): SendParams => ({
      to: 'userId' in event ? event.userId : (context.user ?? ''),
      message: message(context, event),
    }),
  };
}

const product = (event: RobotEvent) => (event as { productId: string }).productId;

/** Counts a new report and keeps it until dispatch records it. */
function recordReading(
  context: RobotContext,
  type: SensorReport['type'],
  productId: string,
): Pick<RobotContext, 'readings' | 'unrecorded' | 'sessionReadings'> {
  const readings = context.readings + 1;
  const base = { readingId: `${context.id}:${readings}`, robotId: context.id, userId: context.user ?? '' };
  const ended = type === 'cart.sessionEnded';
  const reading: SensorReport = ended
    ? { type, ...base, sessionReadings: context.sessionReadings }
    : { type, ...base, productId };
  return {
    readings,
    unrecorded: { ...context.unrecorded, [reading.readingId]: reading },
    sessionReadings: ended ? context.sessionReadings : [...context.sessionReadings, base.readingId],
  };
}

/** Reports the reading just recorded (the newest id) to dispatch's cart desk. */
const sendLastReading = {
  type: 'send' as const,
  params: ({ context }: Ctx): SendParams => ({
    to: DISPATCH,
    message: { ...context.unrecorded[`${context.id}:${context.readings}`]! },
  }),
};

const closeLid = { type: 'lid' as const, params: { open: false } };
const endSession = ['recordSessionEnd' as const, sendLastReading, 'clearSession' as const, closeLid];

/**
 * A mobile sales robot (flow 2): loaded at its depot, it rounds its stops and dwells at each; there
 * it identifies one user at a time by member code, senses every item taken out or put back through
 * its lid (a user can only put back what they took) and reports (user, product) to dispatch, which
 * keeps the carts. It shows the cart and takes the pay instruction, both answered by dispatch. When
 * any product runs low, or the shift ends, it goes back to the depot and restocks.
 */
export const robotMachine = setup({
  types: {
    context: {} as RobotContext,
    events: {} as RobotEvent,
    input: {} as RobotInput,
  },
  actions: {
    send: (_, _params: SendParams) => {},
    travel: (_, _params: { to: Point }) => {},
    /** The lid opens for the identified user and closes when their session ends (the robot port). */
    lid: (_, _params: { open: boolean }) => {},
    /** Fills up at the depot; the world counts what was loaded. */
    restock: (_, _params: RestockParams) => {},
    /** The end of a session is a report dispatch must record (it starts the unpaid-cart grace). */
    recordSessionEnd: assign(({ context }) => recordReading(context, 'cart.sessionEnded', '')),
    clearSession: assign({
      user: null,
      taken: {},
      sessionReadings: [],
      sessions: ({ context }) => context.sessions + 1,
    }),
  },
  guards: {
    ourUser: ({ context, event }) => 'userId' in event && event.userId === context.user,
    inStock: ({ context, event }) => (context.stock[product(event)] ?? 0) > 0,
    tookIt: ({ context, event }) => (context.taken[product(event)] ?? 0) > 0,
    needsRestock: ({ context }) => Object.values(context.stock).some((n) => n <= context.restockBelow),
    shiftEnding: ({ context }) => context.shiftEnding,
    serving: ({ context }) => context.user !== null,
    unrecorded: ({ context, event }) =>
      event.type === 'cart.recorded' && event.readingId in context.unrecorded,
  },
  delays: {
    dwell: ({ context }) => context.dwellMs,
    restock: ({ context }) => context.restockMs,
    sessionTimeout: ({ context }) => context.sessionTimeoutMs,
  },
}).createMachine({
  id: 'robot',
  context: ({ input }) => ({
    ...input,
    stock: Object.fromEntries(Object.keys(input.load).map((p) => [p, 0])),
    stopIndex: 0,
    user: null,
    taken: {},
    readings: 0,
    unrecorded: {},
    sessionReadings: [],
    shiftEnding: false,
    sessions: 0,
  }),
  initial: 'parked',
  on: {
    // while not dwelling at a stop, nobody can be served
    'robot.identify': { actions: toUser((ctx) => ({ type: 'robot.busy', robotId: ctx.id })) },
    'shift.end': { actions: assign({ shiftEnding: true }) },
    'cart.recorded': {
      guard: 'unrecorded',
      actions: assign({
        unrecorded: ({ context, event }) => {
          const { [(event as CartRecorded).readingId]: _, ...rest } = context.unrecorded;
          return rest;
        },
      }),
    },
  },
  states: {
    parked: {
      on: { 'shift.start': { target: 'restocking', actions: assign({ shiftEnding: false }) } },
    },
    restocking: {
      entry: [
        {
          type: 'restock',
          params: ({ context }) => ({
            robotId: context.id,
            added: Object.fromEntries(
              Object.keys(context.load).map((p) => [p, context.load[p]! - (context.stock[p] ?? 0)]),
            ),
          }),
        },
        assign({ stock: ({ context }) => ({ ...context.load }) }),
      ],
      after: { restock: [{ guard: 'shiftEnding', target: 'parked' }, { target: 'roaming' }] },
    },
    roaming: {
      entry: [
        {
          type: 'travel',
          params: ({ context }) => ({ to: context.stops[context.stopIndex % context.stops.length]! }),
        },
        enqueueActions(({ context, enqueue }) => {
          // what dispatch has not recorded goes again (the cart desk applies each reading once)
          for (const reading of Object.values(context.unrecorded))
            enqueue({ type: 'send', params: { to: DISPATCH, message: { ...reading } } });
        }),
      ],
      on: { 'travel.arrived': { target: 'dwelling' } },
    },
    dwelling: {
      after: {
        dwell: [
          // a user is still being served: the robot stays until they leave
          { guard: 'serving', target: 'dwelling', reenter: true },
          { guard: 'needsRestock', target: 'toDepot' },
          { guard: 'shiftEnding', target: 'toDepot' },
          {
            target: 'roaming',
            actions: assign({ stopIndex: ({ context }) => (context.stopIndex + 1) % context.stops.length }),
          },
        ],
      },
      // re-entered while a user is still being served: the session goes on where it was
      initial: 'resuming',
      states: {
        resuming: { always: [{ guard: 'serving', target: 'session' }, { target: 'open' }] },
        open: {
          on: {
            // nobody is being served here (a session in progress resumes in `session`)
            'robot.identify': {
              target: 'session',
              actions: [
                assign({ user: ({ event }) => event.userId, taken: {} }),
                { type: 'lid', params: { open: true } },
                toUser((ctx) => ({ type: 'robot.session', robotId: ctx.id, userId: ctx.user })),
              ],
            },
          },
        },
        session: {
          after: { sessionTimeout: { target: 'open', actions: endSession } },
          on: {
            'robot.identify': { actions: toUser((ctx) => ({ type: 'robot.busy', robotId: ctx.id })) },
            'robot.take': [
              {
                guard: and(['ourUser', 'inStock']),
                actions: [
                  assign(({ context, event }) => {
                    const p = product(event);
                    return {
                      stock: { ...context.stock, [p]: (context.stock[p] ?? 0) - 1 },
                      taken: { ...context.taken, [p]: (context.taken[p] ?? 0) + 1 },
                      ...recordReading(context, 'cart.take', p),
                    };
                  }),
                  sendLastReading,
                ],
              },
              {
                guard: 'ourUser',
                actions: toUser((ctx, e) => ({
                  type: 'robot.empty',
                  robotId: ctx.id,
                  productId: product(e),
                })),
              },
            ],
            'robot.putBack': {
              guard: and(['ourUser', 'tookIt']),
              actions: [
                assign(({ context, event }) => {
                  const p = product(event);
                  return {
                    stock: { ...context.stock, [p]: (context.stock[p] ?? 0) + 1 },
                    taken: { ...context.taken, [p]: (context.taken[p] ?? 0) - 1 },
                    ...recordReading(context, 'cart.putBack', p),
                  };
                }),
                sendLastReading,
              ],
            },
            'robot.showCart': {
              guard: 'ourUser',
              actions: toDispatch((ctx) => ({ type: 'cart.get', userId: ctx.user, replyTo: ctx.id })),
            },
            'robot.pay': {
              guard: 'ourUser',
              actions: toDispatch((ctx, e) => ({
                type: 'cart.pay',
                userId: ctx.user,
                paymentId: (e as { paymentId: string }).paymentId,
                replyTo: ctx.id,
              })),
            },
            // dispatch's answers are shown on the robot's screen (the user's message)
            'cart.list': { guard: 'ourUser', actions: toUser((_, e) => e as SendParams['message']) },
            'cart.paid': { guard: 'ourUser', actions: toUser((_, e) => e as SendParams['message']) },
            'cart.payRefused': { guard: 'ourUser', actions: toUser((_, e) => e as SendParams['message']) },
            'robot.leave': { guard: 'ourUser', target: 'open', actions: endSession },
          },
        },
      },
    },
    toDepot: {
      entry: { type: 'travel', params: ({ context }) => ({ to: context.depot }) },
      on: { 'travel.arrived': { target: 'restocking' } },
    },
  },
});
