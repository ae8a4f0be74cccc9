import type { NodeCrypto } from '../../adapters/sim/node-crypto.ts';
import type { DispatchClient } from '../../adapters/socketio/dispatch-client.ts';
import type { CommandType, HelloResult, InboundBody } from '../../adapters/socketio/wire-protocol.ts';
import type { KeyHandle } from '../../machines/crypto-port.ts';
import {
  type DigitalKey,
  type Entitlement,
  initialVehicleKeyState,
  type VehicleKeyState,
  verifyKeyUse,
} from '../../machines/digital-key.ts';
import { ephemeralId, slotAt } from '../../machines/ephemeral-id.ts';
import type { Point } from '../../machines/protocol.ts';
import type { ActorClock } from './actor-clock.ts';
import type { LoadRecorder } from './load-report.ts';

/** What every device bot needs: its connection, the recorder and the run's clock. */
export interface DeviceLink {
  readonly id: string;
  readonly client: DispatchClient;
  readonly recorder: LoadRecorder;
  readonly clock: ActorClock;
}

function sender(link: DeviceLink) {
  return <T extends CommandType>(type: T, body: InboundBody<T>) =>
    link.recorder.send(link.client, link.id, type, body);
}

/**
 * A car on a real connection: reports where it is parked, answers every key presented to it with
 * the same check the vehicle machine makes (dispatch's signature, its own id, the presenter, the
 * window, the use count, the entitlement), opens its trunk for a good key and relatches it a
 * moment later (telemetry), and acknowledges revocations.
 */
export class VehicleBot {
  private keys: VehicleKeyState = initialVehicleKeyState();
  private issuer: KeyHandle | null = null;
  private readonly send: ReturnType<typeof sender>;

  constructor(
    private readonly link: DeviceLink,
    private readonly crypto: NodeCrypto,
    private readonly parkedAt: { position: Point; parkingSpaceId: string },
    /** Scenario ms the trunk stays open after a courier opened it. */
    private readonly trunkOpenMs: number,
  ) {
    this.send = sender(link);
  }

  async start(): Promise<void> {
    const hello = await this.link.client.query('session.hello', {});
    const result = hello.kind === 'ack' && hello.ack.ok && 'result' in hello.ack ? hello.ack.result : null;
    const hex = (result as HelloResult | null)?.issuerPublicKey;
    if (hex) this.issuer = this.crypto.publicKeyFromBytes(Buffer.from(hex, 'hex'));
    const socket = this.link.client.socket;
    socket.on('key.present', (m) => void this.present(m.requestId, m.holderId, m.action, m.key));
    socket.on('vehicle.revoke', (m) => void this.send('vehicle.revoked', { keyId: m.keyId }));
    await this.telemetry('closed');
  }

  private telemetry(trunk: 'closed' | 'open') {
    return this.send('vehicle.telemetry', {
      position: this.parkedAt.position,
      parked: true,
      parkingSpaceId: this.parkedAt.parkingSpaceId,
      trunk,
      revocationEpoch: this.keys.revocationEpoch,
    });
  }

  private async present(requestId: string, holderId: string, action: Entitlement, key: DigitalKey) {
    const use = this.issuer
      ? verifyKeyUse(this.crypto, this.issuer, this.keys, {
          key: { ...key, signature: new Uint8Array(key.signature) },
          vehicleId: this.link.id,
          presenterId: holderId,
          action,
          now: Math.floor(Date.now() / 1000),
        })
      : ({ ok: false, reason: 'bad_signature' } as const);
    if (use.ok) this.keys = use.nextState;
    this.link.recorder.order(use.ok ? `key.${action}` : `keyRefused.${use.reason}`);
    await this.send('key.result', {
      requestId,
      action,
      ok: use.ok,
      ...(use.ok ? {} : { reason: use.reason }),
    });
    if (use.ok && action === 'trunk_open') {
      await this.telemetry('open');
      this.link.clock.later(this.link.clock.scaled(this.trunkOpenMs), () => void this.telemetry('closed'));
    }
  }
}

/**
 * A store's counter on a real connection: hands the goods of a trunk delivery to the courier who
 * comes for them, and the goods of a preorder to the car its beacon announced.
 */
export class StoreBot {
  constructor(link: DeviceLink) {
    const send = sender(link);
    const socket = link.client.socket;
    socket.on(
      'store.collect',
      (m) => void send('store.handover', { orderId: m.orderId, courierId: m.courierId }),
    );
    socket.on('store.handoverPreorder', (m) => {
      link.recorder.order('preorderHandover');
      void send('preorder.handedOver', { orderId: m.orderId });
    });
  }
}

/**
 * A store's curb beacon gateway on a real connection: reports the rotating id it hears from a car's
 * beacon (computed from the beacon's secret and the current slot, as the beacon broadcasts it).
 */
export class GatewayBot {
  private readonly send: ReturnType<typeof sender>;

  constructor(
    link: DeviceLink,
    private readonly crypto: NodeCrypto,
    private readonly slotSeconds: number,
  ) {
    this.send = sender(link);
  }

  /** A car with this beacon secret stopped at the curb: report what the scanner heard. */
  hear(secret: Uint8Array) {
    const now = Date.now();
    const eid = ephemeralId(this.crypto, secret, slotAt(now / 1000, this.slotSeconds));
    return this.send('scanner.report', { eid, heardAt: now });
  }
}
