/**
 * The customer meeting a mobile sales robot (flow 2): walk up, be identified by member code, take
 * items out and put some back (the robot senses each), look at the cart on the robot or the phone,
 * and pay on either — or walk away and leave the cart to dispatch's unpaid-cart policy.
 */
import { and, assign } from 'xstate';
import { type CustomerContext, customerSetup, type RobotDemand, sendFrom } from './customer-setup.ts';
import { DISPATCH } from './protocol.ts';

const plan = (ctx: CustomerContext) => ctx.plan as RobotDemand;
const toRobot = (message: (ctx: CustomerContext) => { type: string; [k: string]: unknown }) =>
  sendFrom((ctx) => plan(ctx).robotId, message);

/** The robot is busy with someone else this many times: the customer walks on. */
const MAX_ROBOT_RETRIES = 3;

const paymentId = (ctx: CustomerContext) => `${ctx.id}-pay-${ctx.requestSeq}`;

function pay() {
  return sendFrom(
    (ctx) => (plan(ctx).payVia === 'robot' ? plan(ctx).robotId : DISPATCH),
    (ctx) =>
      plan(ctx).payVia === 'robot'
        ? { type: 'robot.pay', userId: ctx.id, paymentId: paymentId(ctx) }
        : { type: 'cart.pay', userId: ctx.id, paymentId: paymentId(ctx), replyTo: ctx.id },
  );
}

export const shopping = customerSetup.createStateConfig({
  initial: 'walking',
  states: {
    walking: {
      entry: { type: 'walk', params: ({ context }) => ({ to: plan(context).robotAt }) },
      on: { 'travel.arrived': { target: 'identifying' } },
    },
    identifying: {
      entry: toRobot((ctx) => ({
        type: 'robot.identify',
        userId: ctx.id,
        memberCode: ctx.memberCode ?? ctx.id,
      })),
      after: { answerTimeout: { target: '#customer.idle' } },
      on: {
        'robot.session': { guard: 'ourUser', target: 'picking' },
        'robot.busy': [
          {
            guard: ({ context }) => context.robotRetries < MAX_ROBOT_RETRIES,
            target: 'waitingTurn',
            actions: assign({ robotRetries: ({ context }) => context.robotRetries + 1 }),
          },
          { target: '#customer.idle' },
        ],
      },
    },
    waitingTurn: { after: { pick: { target: 'identifying' } } },
    picking: {
      after: {
        pick: [
          {
            guard: ({ context }) => context.step < plan(context).picks.length,
            target: 'picking',
            reenter: true,
            actions: [
              toRobot((ctx) => {
                const p = plan(ctx).picks[ctx.step]!;
                return {
                  type: p.kind === 'take' ? 'robot.take' : 'robot.putBack',
                  userId: ctx.id,
                  productId: p.productId,
                };
              }),
              assign({ step: ({ context }) => context.step + 1 }),
            ],
          },
          { target: 'fetching' },
        ],
      },
    },
    // the cart as dispatch keeps it, shown on the robot's screen or on the phone
    fetching: {
      entry: [
        'nextRequest',
        sendFrom(
          (ctx) => (plan(ctx).cartVia === 'robot' ? plan(ctx).robotId : DISPATCH),
          (ctx) =>
            plan(ctx).cartVia === 'robot'
              ? { type: 'robot.showCart', userId: ctx.id }
              : { type: 'cart.get', userId: ctx.id, replyTo: ctx.id },
        ),
      ],
      after: { answerTimeout: { target: 'leaving' } },
      on: {
        'cart.list': [
          {
            guard: and([
              'ourUser',
              ({ context, event }) =>
                plan(context).payVia !== 'none' && 'lines' in event && event.lines.length > 0,
            ]),
            target: 'paying',
          },
          { guard: 'ourUser', target: 'leaving' },
        ],
      },
    },
    paying: {
      entry: pay(),
      after: { answerTimeout: { target: 'leaving' } },
      on: {
        'cart.paid': [
          // a second press of pay (a duplicated instruction): dispatch must charge once
          {
            guard: and(['ourUser', ({ context }) => plan(context).payTwice]),
            target: 'confirming',
            actions: [pay(), assign({ deliveries: ({ context }) => context.deliveries + 1 })],
          },
          {
            guard: 'ourUser',
            target: 'leaving',
            actions: assign({ deliveries: ({ context }) => context.deliveries + 1 }),
          },
        ],
        'cart.payRefused': { guard: 'ourUser', target: 'leaving' },
      },
    },
    confirming: {
      after: { answerTimeout: { target: 'leaving' } },
      on: {
        'cart.paid': { guard: 'ourUser', target: 'leaving' },
        'cart.payRefused': { guard: 'ourUser', target: 'leaving' },
      },
    },
    leaving: {
      entry: toRobot((ctx) => ({ type: 'robot.leave', userId: ctx.id })),
      always: { target: '#customer.idle' },
    },
  },
});
