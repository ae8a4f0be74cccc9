import { describe, expect, it } from 'vitest';
import { DEFAULT_ERRAND_FEES } from '../../machines/errand-fees.ts';
import { mapKeys, mapToObject } from '../../machines/persistent-map.ts';
import { type AppliedCommand, DispatchHost, type Outbound } from '../../sim/dispatch-server/dispatch-host.ts';
import { straightLineQuoter } from '../../sim/dispatch-server/route-quoter.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const INPUT = {
  fees: DEFAULT_ERRAND_FEES,
  pullLimit: 10,
  timing: {
    pushRadius: 1500,
    repushMs: MINUTE,
    maxOpenMs: 45 * MINUTE,
    autoConfirmMs: 30 * MINUTE,
    disputeResolutionMs: 120 * MINUTE,
  },
};

function publish(at: number, publisherId: string, requestId: string): AppliedCommand {
  return {
    at,
    type: 'errand.publish',
    body: {
      request: {
        requestId,
        publisherId,
        category: 'deliver',
        description: 'a parcel',
        recipient: publisherId,
        phone: '',
        pickup: { x: 0, y: 0 },
        dropoff: { x: 900, y: 400 },
        feeMode: 'professional',
        dueBy: at + 60 * MINUTE,
      },
    },
  };
}

/** A morning at dispatch with commands hours apart, so delayed transitions fire between them. */
const HISTORY: AppliedCommand[] = [
  {
    at: T0,
    type: 'courier.online',
    body: {
      courierId: 'CP1',
      courierType: 'professional',
      mode: 'bike',
      categories: ['deliver'],
      position: { x: 10, y: 0 },
    },
  },
  publish(T0 + 1000, 'U1', 'r1'),
  publish(T0 + 2000, 'U2', 'r2'),
  { at: T0 + 3000, type: 'errand.accept', body: { orderId: 'E1', courierId: 'CP1' } },
  {
    at: T0 + 4000,
    type: 'courier.position',
    body: { courierId: 'CP1', position: { x: 50, y: 5 }, eta: null },
  },
  // E2 expires unassigned at T0 + 2 s + 45 min, between these two commands
  { at: T0 + 50 * MINUTE, type: 'errand.pickedUp', body: { orderId: 'E1', courierId: 'CP1' } },
  { at: T0 + 60 * MINUTE, type: 'errand.delivered', body: { orderId: 'E1', courierId: 'CP1' } },
  // nobody confirms: E1 completes by itself 30 min after delivery
  publish(T0 + 120 * MINUTE, 'U1', 'r3'),
];

function play(host: DispatchHost, history: readonly AppliedCommand[]): Outbound[][] {
  return history.map((c) => [...host.advanceTo(c.at), ...host.apply(c)]);
}

function books(host: DispatchHost) {
  const ctx = host.context;
  return {
    ledger: ctx.ledger,
    couriers: mapToObject(ctx.couriers),
    listings: ctx.listings,
    relay: ctx.relay,
    orderSeq: ctx.orderSeq,
    openOrders: mapKeys(ctx.orders),
    orders: host.orders.all(),
    violations: host.violations(),
  };
}

describe('dispatch host replay', () => {
  it('rebuilds the same state and timer outcomes from journaled commands and answers', () => {
    const recorded = new Map<string, string>();
    const live = new DispatchHost(INPUT, straightLineQuoter(), recorded);
    const liveOut = play(live, HISTORY);
    const answers = live.takeFreshAnswers();
    expect(answers.map((a) => a.key)).toEqual(['route.quote:E1', 'route.quote:E2', 'route.quote:E3']);

    expect(live.orders.get('E1')?.step).toBe('completed');
    expect(live.orders.get('E2')?.step).toBe('cancelled');
    expect(live.orders.get('E3')?.step).toBe('created');
    expect(liveOut[1]).toContainEqual(
      expect.objectContaining({ to: 'CP1', message: expect.objectContaining({ type: 'errand.offer' }) }),
    );
    // E2's expiry notice went out with the first command after its deadline
    expect(liveOut[5]).toContainEqual(
      expect.objectContaining({
        to: 'U2',
        message: expect.objectContaining({ type: 'errand.closed', reason: 'no_courier' }),
      }),
    );
    const escrow = live.escrow();
    expect(escrow.held).toBe(escrow.paidOut + escrow.refunded + escrow.commission + escrow.stillHeld);
    expect(live.violations()).toEqual([]);

    const failingRouter = () => {
      throw new Error('a replay must not ask the router again');
    };
    const replayed = new DispatchHost(INPUT, failingRouter, new Map(answers.map((a) => [a.key, a.body])));
    const replayOut = play(replayed, HISTORY);
    expect(replayOut).toEqual(liveOut);
    expect(books(replayed)).toEqual(books(live));
    expect(replayed.takeFreshAnswers()).toEqual([]);
    live.stop();
    replayed.stop();
  });

  it('fires what fell due while the server was down at the first advance after restart', () => {
    const live = new DispatchHost(INPUT, straightLineQuoter(), new Map());
    play(live, HISTORY.slice(0, 3));
    const answers = new Map(live.takeFreshAnswers().map((a) => [a.key, a.body]));
    const restarted = new DispatchHost(INPUT, straightLineQuoter(), answers);
    play(restarted, HISTORY.slice(0, 3));
    const out = restarted.advanceTo(T0 + 46 * MINUTE);
    const closed = out.filter((o) => o.message.type === 'errand.closed').map((o) => o.to);
    expect(closed.sort()).toEqual(['U1', 'U2']);
    expect(restarted.escrow().stillHeld).toBe(0);
    live.stop();
    restarted.stop();
  });
});
