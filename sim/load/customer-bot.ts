import type { DispatchClient } from '../../adapters/socketio/dispatch-client.ts';
import type { CommandType, InboundBody } from '../../adapters/socketio/wire-protocol.ts';
import type { PlacedCustomer } from '../world/population.ts';
import type { ActorClock } from './actor-clock.ts';
import type { PlannedOrder } from './load-plan.ts';
import type { LoadRecorder } from './load-report.ts';

const MINUTE = 60_000;

interface Tracked {
  readonly plan: PlannedOrder;
  assigned: boolean;
  closed: boolean;
}

/**
 * A simulated customer on a real connection: publishes the orders the plan gives it, gives up and
 * cancels when nobody accepts within its patience, cancels after assignment when the plan says so,
 * chats with the courier through the masked number, and confirms (or disputes) at delivery.
 */
export class CustomerBot {
  private readonly orders = new Map<string, Tracked>();
  private published = 0;

  constructor(
    readonly customer: PlacedCustomer,
    private readonly client: DispatchClient,
    private readonly recorder: LoadRecorder,
    private readonly clock: ActorClock,
    /** Unique per run, so request ids never collide with an earlier run's. */
    private readonly runId: string,
  ) {
    const socket = client.socket;
    socket.on('errand.assigned', (m) => {
      const order = this.orders.get(m.orderId);
      if (!order || order.assigned) return;
      order.assigned = true;
      this.recorder.order('assigned');
      const { cancelAfterAssignMs, chatAfterMs } = order.plan;
      if (cancelAfterAssignMs !== null)
        this.clock.later(this.clock.scaled(cancelAfterAssignMs), () => this.cancel(m.orderId));
      if (chatAfterMs !== null)
        this.clock.later(this.clock.scaled(chatAfterMs), () => {
          if (!order.closed)
            void this.send('chat.send', { toMasked: m.courierMasked, text: 'Where are you?' });
        });
    });
    socket.on('errand.pickedUp', () => this.recorder.order('pickedUp'));
    socket.on('errand.delivered', (m) => {
      const order = this.orders.get(m.orderId);
      if (!order) return;
      this.recorder.order('delivered');
      if (order.plan.dispute)
        void this.send('errand.dispute', { orderId: m.orderId, reason: 'item damaged' });
      else void this.send('errand.confirm', { orderId: m.orderId });
    });
    socket.on('errand.closed', (m) => {
      const order = this.orders.get(m.orderId);
      if (!order || order.closed) return;
      order.closed = true;
      this.recorder.order(`closed:${m.outcome}`);
    });
    socket.on('errand.cancelRefused', () => this.recorder.order('cancelRefused'));
  }

  /** Publishes one planned order now; follows it until it ends or the run does. */
  async publish(plan: PlannedOrder): Promise<void> {
    const requestId = `${this.runId}-${this.customer.id}-${++this.published}`;
    const ack = await this.send('errand.publish', {
      request: { ...plan.request, requestId, dueBy: Date.now() + plan.dueMinutes * MINUTE },
    });
    if (!ack) return;
    const reply = ack.replies.find((r) => r.type === 'errand.published' || r.type === 'errand.rejected');
    if (reply?.type !== 'errand.published') {
      this.recorder.order('rejected');
      return;
    }
    this.recorder.order('published');
    const orderId = String(reply.orderId);
    const tracked: Tracked = { plan, assigned: false, closed: false };
    this.orders.set(orderId, tracked);
    this.clock.later(this.clock.scaled(plan.patienceMs), () => {
      if (!tracked.assigned) this.cancel(orderId);
    });
  }

  private cancel(orderId: string): void {
    const order = this.orders.get(orderId);
    if (!order || order.closed) return;
    this.recorder.order('cancelSent');
    void this.send('errand.cancel', { orderId });
  }

  private send<T extends CommandType>(type: T, body: InboundBody<T>) {
    return this.recorder.send(this.client, this.customer.id, type, body);
  }
}
