/**
 * xstate/graph coverage plans of the robot shop: the robot on its rounds serving a user, and
 * dispatch's cart desk. robot-carts.test.ts checks their properties on the same paths; the inputs
 * are shared with its behaviour tests.
 */
import type { SnapshotFrom } from 'xstate';
import { type CartDeskEvent, type CartDeskInput, cartDeskMachine } from '../../machines/cart-desk.ts';
import { mapKeys } from '../../machines/persistent-map.ts';
import { type RobotEvent, type RobotInput, robotMachine } from '../../machines/robot.ts';
import { plan } from '../protocol/coverage-plan.ts';
import type { ScenarioOf } from './transition-coverage.ts';

// ── robot ─────────────────────────────────────────────────────────────────────────────────────

export const ROBOT: RobotInput = {
  id: 'RB1',
  depot: { x: 0, y: 0 },
  stops: [
    { x: 100, y: 0 },
    { x: 200, y: 0 },
  ],
  dwellMs: 30,
  restockMs: 10,
  restockBelow: 0,
  load: { water: 1 },
  sessionTimeoutMs: 50,
};
export const user = (type: string, extra: Record<string, unknown> = {}) =>
  ({ type, userId: 'U1', ...extra }) as unknown as RobotEvent;
const robotEvents: RobotEvent[] = [
  { type: 'shift.start' },
  { type: 'shift.end' },
  { type: 'travel.arrived', position: { x: 100, y: 0 } },
  { type: 'robot.identify', userId: 'U1', memberCode: 'M-U1' },
  { type: 'robot.identify', userId: 'U2', memberCode: 'M-U2' },
  user('robot.take', { productId: 'water' }),
  user('robot.putBack', { productId: 'water' }),
  user('robot.showCart'),
  user('robot.pay', { paymentId: 'pay-1' }),
  user('robot.leave'),
  { type: 'cart.list', userId: 'U1', lines: [], totalCents: 0 },
  { type: 'cart.paid', userId: 'U1', paymentId: 'pay-1', lines: [], totalCents: 150 },
  { type: 'cart.payRefused', userId: 'U1', paymentId: 'pay-1', reason: 'empty_cart' },
  // dispatch confirms the first reading of a session (and one the robot never sent)
  { type: 'cart.recorded', readingId: 'RB1:1' },
  { type: 'cart.recorded', readingId: 'RB1:99' },
];

export const robotScenarios: ScenarioOf<typeof robotMachine>[] = [
  {
    name: 'robot',
    input: ROBOT,
    events: () => robotEvents,
    key: (s) =>
      JSON.stringify([
        s.value,
        s.context.stock,
        s.context.user,
        s.context.taken,
        s.context.shiftEnding,
        s.context.stopIndex,
      ]),
  },
];

// ── cart desk ─────────────────────────────────────────────────────────────────────────────────

export const DESK: CartDeskInput = { prices: { water: 150, cake: 400 }, unpaidGraceMs: 40 };
/** Every desk message; sensor readings get a fresh id (and one repeats the last id: applied once). */
const deskEvents = (s: SnapshotFrom<typeof cartDeskMachine>): CartDeskEvent[] => {
  const fresh = `RB1:${s.context.readings.size + 1}`;
  const repeated = `RB1:${s.context.readings.size}`;
  const late = `RB1:late${s.context.readings.size}`;
  return [
    { type: 'cart.take', readingId: fresh, robotId: 'RB1', userId: 'U1', productId: 'water' },
    { type: 'cart.take', readingId: fresh, robotId: 'RB1', userId: 'U1', productId: 'mystery' },
    { type: 'cart.putBack', readingId: fresh, robotId: 'RB1', userId: 'U1', productId: 'water' },
    { type: 'cart.take', readingId: repeated, robotId: 'RB1', userId: 'U1', productId: 'water' },
    { type: 'cart.putBack', readingId: repeated, robotId: 'RB1', userId: 'U1', productId: 'water' },
    { type: 'cart.sessionEnded', readingId: repeated, robotId: 'RB1', userId: 'U1', sessionReadings: [] },
    { type: 'cart.get', userId: 'U1', replyTo: 'RB1' },
    { type: 'cart.pay', userId: 'U1', paymentId: 'pay-1', replyTo: 'U1' },
    { type: 'cart.sessionEnded', readingId: fresh, robotId: 'RB1', userId: 'U1', sessionReadings: [] },
    // a session whose last reading is still on its way
    { type: 'cart.sessionEnded', readingId: fresh, robotId: 'RB1', userId: 'U1', sessionReadings: [late] },
    { type: 'cart.autoSettle', userId: 'U1' },
  ];
};

export const deskScenarios: ScenarioOf<typeof cartDeskMachine>[] = [
  {
    name: 'carts',
    input: DESK,
    // at most two items in the cart and two carts: keeps the graph finite
    events: (s) => {
      const items = Object.values(s.context.book.carts.U1 ?? {}).reduce((n, q) => n + q, 0);
      return items < 2 && s.context.cartSeq < 2 ? deskEvents(s) : deskEvents(s).slice(2);
    },
    key: (s) =>
      JSON.stringify([
        s.context.book.carts,
        mapKeys(s.context.openCarts),
        mapKeys(s.context.receipts),
        s.context.cartSeq,
      ]),
  },
];

export const coveragePlans = [
  plan({ machine: robotMachine, scenarios: robotScenarios }),
  plan({ machine: cartDeskMachine, scenarios: deskScenarios }),
];
