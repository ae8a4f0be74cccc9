import { describe, expect, it } from 'vitest';
import { customerMachine } from '../../machines/customer.ts';
import type { SendParams } from '../../machines/errand-order.ts';
import { OWNER, PREORDER, RENTAL, ROBOT } from './customer-flows-scenario.ts';
import { advance, startRecorded } from './transition-coverage.ts';

type Run = ReturnType<typeof startRecorded<typeof customerMachine>>;
const sent = (run: Run) => run.effectsOf<SendParams>('send').map((s) => `${s.to}:${s.message.type}`);
const granted = (run: Run, vehicleId = 'V1') =>
  run.send({
    type: 'key.result',
    requestId: `U1-K${run.actor.getSnapshot().context.keySeq}`,
    vehicleId,
    action: 'x',
    ok: true,
  });
const refused = (run: Run, reason: string, vehicleId = 'V9') =>
  run.send({
    type: 'key.result',
    requestId: `U1-K${run.actor.getSnapshot().context.keySeq}`,
    vehicleId,
    action: 'x',
    ok: false,
    reason,
  });

describe('customer: beacon preorder', () => {
  it('unlocks and starts the car, pairs, preorders, waits at the curb with the engine on, drives back and locks', () => {
    const run = startRecorded(customerMachine, OWNER);
    run.send(PREORDER);
    granted(run);
    granted(run);
    run.send({ type: 'beacon.paired', beaconId: 'B1', phoneId: 'U1' });
    run.send({ type: 'preorder.confirmed', requestId: 'U1-R1', orderId: 'P1' });
    run.send({ type: 'car.arrived', vehicleId: 'V1', position: PREORDER.curb });
    expect(run.actor.getSnapshot().value).toEqual({ car: 'atCurb' });
    run.send({ type: 'preorder.done', orderId: 'P1' });
    run.send({ type: 'car.arrived', vehicleId: 'V1', position: PREORDER.back });
    granted(run);
    expect(run.actor.getSnapshot().value).toBe('idle');
    expect(sent(run)).toEqual([
      'V1:key.present',
      'V1:key.present',
      'B1:beacon.pair',
      'dispatch:preorder.place',
      'V1:drive.to',
      'V1:drive.to',
      'V1:engine.stop',
      'V1:key.present',
    ]);
    expect(run.actor.getSnapshot().context).toMatchObject({ paired: true, deliveries: 1 });
  });

  it('drives back after waiting in vain at the curb', () => {
    const run = startRecorded(customerMachine, OWNER);
    run.send(PREORDER);
    granted(run);
    granted(run);
    run.send({ type: 'beacon.paired', beaconId: 'B1', phoneId: 'U1' });
    run.send({ type: 'preorder.confirmed', requestId: 'U1-R1', orderId: 'P1' });
    run.send({ type: 'car.arrived', vehicleId: 'V1', position: PREORDER.curb });
    advance(run.clock, PREORDER.waitMs);
    expect(run.actor.getSnapshot().value).toEqual({ car: 'returning' });
  });
});

describe('customer: rental', () => {
  it('tries the engine (refused), is upgraded, drives, locks, ends — and the old key fails afterwards', () => {
    const run = startRecorded(customerMachine, OWNER);
    run.send(RENTAL);
    run.send({
      type: 'rental.granted',
      requestId: 'U1-R1',
      rentalId: 'R1',
      vehicleId: 'V9',
      key: { keyId: 'R1:K1' } as never,
      position: RENTAL.carPosition,
    });
    run.send({ type: 'travel.arrived', position: RENTAL.carPosition });
    granted(run, 'V9');
    refused(run, 'not_entitled');
    run.send({ type: 'rental.upgraded', rentalId: 'R1', key: { keyId: 'R1:K2' } as never });
    granted(run, 'V9');
    run.send({ type: 'car.arrived', vehicleId: 'V9', position: RENTAL.driveTo });
    advance(run.clock, RENTAL.useMs);
    granted(run, 'V9');
    run.send({ type: 'rental.closed', rentalId: 'R1', chargedCents: 300, reason: 'ended' });
    advance(run.clock, RENTAL.misuseAfterMs ?? 0);
    refused(run, 'revoked');
    expect(run.actor.getSnapshot().value).toBe('idle');
    expect(run.actor.getSnapshot().context.refusedKeys).toBe(2);
    expect(sent(run)).toEqual([
      'dispatch:rental.request',
      'V9:key.present',
      'V9:key.present',
      'dispatch:rental.upgrade',
      'V9:key.present',
      'V9:drive.to',
      'V9:engine.stop',
      'V9:key.present',
      'dispatch:rental.end',
      'V9:key.present',
    ]);
    const presented = run.effectsOf<SendParams>('send').filter((s) => s.message.type === 'key.present');
    expect(presented.map((p) => (p.message.key as { keyId: string }).keyId)).toEqual([
      'R1:K1',
      'R1:K1',
      'R1:K2',
      'R1:K2',
      'R1:K1',
    ]);
  });
});

describe('customer: robot', () => {
  it('is identified, takes and puts back, shows the cart on the robot, presses pay twice, leaves', () => {
    const run = startRecorded(customerMachine, OWNER);
    run.send(ROBOT);
    run.send({ type: 'travel.arrived', position: ROBOT.robotAt });
    run.send({ type: 'robot.session', robotId: 'RB1', userId: 'U1' });
    advance(run.clock, 30_000);
    run.send({ type: 'cart.list', userId: 'U1', lines: [{ productId: 'water', qty: 1 }], totalCents: 150 });
    run.send({ type: 'cart.paid', userId: 'U1', paymentId: 'U1-pay-1', lines: [], totalCents: 150 });
    run.send({ type: 'cart.paid', userId: 'U1', paymentId: 'U1-pay-1', lines: [], totalCents: 150 });
    expect(run.actor.getSnapshot().value).toBe('idle');
    expect(sent(run)).toEqual([
      'RB1:robot.identify',
      'RB1:robot.take',
      'RB1:robot.putBack',
      'RB1:robot.showCart',
      'RB1:robot.pay',
      'RB1:robot.pay',
      'RB1:robot.leave',
    ]);
  });

  it('walks away from a busy robot after three tries', () => {
    const run = startRecorded(customerMachine, OWNER);
    run.send(ROBOT);
    run.send({ type: 'travel.arrived', position: ROBOT.robotAt });
    for (let i = 0; i < 4; i++) {
      run.send({ type: 'robot.busy', robotId: 'RB1' });
      advance(run.clock, 10_000);
    }
    expect(run.actor.getSnapshot().value).toBe('idle');
    expect(sent(run).filter((s) => s.endsWith('robot.identify'))).toHaveLength(4);
  });
});
