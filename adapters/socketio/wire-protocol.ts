import type { DigitalKey, Entitlement } from '../../machines/digital-key.ts';
import type {
  ChatDelivery,
  DispatchToCourier,
  DispatchToCustomer,
  ErrandListing,
  ItemLine,
  OrderOutcome,
} from '../../machines/protocol.ts';
import { type InboundBody, type InboundType, inboundSchemas } from './wire-schemas.ts';

/**
 * The dispatch server's wire protocol over socket.io: one namespace per role, one event per
 * message type, an acknowledgement for every inbound message. Shared by the server, the load
 * driver and the socketio adapter so the three can never disagree. README § "Dispatch server wire
 * protocol" is the prose version of this file.
 */

export const ROLES = ['customer', 'courier', 'store', 'vehicle', 'robot', 'beacon-gateway'] as const;
export type Role = (typeof ROLES)[number];
/** Tokens may also carry `admin`: it reads `/state` over HTTP and never connects a socket. */
export type TokenRole = Role | 'admin';

/** The socket.io namespace of a role. */
export function namespaceOf(role: Role): string {
  return `/${role}`;
}

/** A beacon gateway's principal id is `gw:<storeId>`: it reports the scans of that store's curb. */
export const GATEWAY_PREFIX = 'gw:';

/**
 * The id a principal acts as in the fields named by `principalFields`: itself, except a beacon
 * gateway, which acts for the store whose curb it scans (so a store and its gateway are two
 * principals with two tokens, and a gateway cannot report for another store).
 */
export function actingIdOf(role: Role, principal: string): string {
  return role === 'beacon-gateway' && principal.startsWith(GATEWAY_PREFIX)
    ? principal.slice(GATEWAY_PREFIX.length)
    : principal;
}

/** Commands change state and are journaled; queries read state and are not. */
export type MessageKind = 'command' | 'query';

export interface MessageSpec {
  readonly kind: MessageKind;
  /** Roles allowed to send it. */
  readonly roles: readonly Role[];
  /**
   * Dotted paths of the fields that name the sender. The server fills an absent one from the
   * token and refuses (`forbidden`) one that names anybody else: a principal acts only as itself.
   */
  readonly principalFields: readonly string[];
}

/**
 * What each inbound type is and who may send it. A new message kind of the machines needs one
 * entry here and one schema in `wire-schemas.ts`; the server, the client and the docs follow.
 */
export const INBOUND = {
  'errand.publish': { kind: 'command', roles: ['customer'], principalFields: ['request.publisherId'] },
  'errand.cancel': { kind: 'command', roles: ['customer'], principalFields: ['publisherId'] },
  'errand.confirm': { kind: 'command', roles: ['customer'], principalFields: ['publisherId'] },
  'errand.dispute': { kind: 'command', roles: ['customer'], principalFields: ['publisherId'] },
  'courier.online': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'courier.offline': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'courier.position': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'errand.pull': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'errand.accept': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'errand.pickedUp': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'errand.delivered': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'chat.send': { kind: 'command', roles: ['courier', 'customer'], principalFields: ['fromId'] },
  'trunk.order': { kind: 'command', roles: ['customer'], principalFields: ['request.customerId'] },
  'trunk.atCar': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'trunk.deposited': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'trunk.unlockFailed': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'trunk.returned': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'rental.request': { kind: 'command', roles: ['customer'], principalFields: ['request.renterId'] },
  'rental.upgrade': { kind: 'command', roles: ['customer'], principalFields: ['renterId'] },
  'rental.end': { kind: 'command', roles: ['customer'], principalFields: ['renterId'] },
  'preorder.place': { kind: 'command', roles: ['customer'], principalFields: ['request.customerId'] },
  'cart.get': { kind: 'command', roles: ['customer'], principalFields: ['userId', 'replyTo'] },
  'cart.pay': { kind: 'command', roles: ['customer'], principalFields: ['userId', 'replyTo'] },
  'cart.take': { kind: 'command', roles: ['robot'], principalFields: ['robotId'] },
  'cart.putBack': { kind: 'command', roles: ['robot'], principalFields: ['robotId'] },
  'cart.sessionEnded': { kind: 'command', roles: ['robot'], principalFields: ['robotId'] },
  'vehicle.key': { kind: 'command', roles: ['courier', 'customer'], principalFields: ['key.holderId'] },
  'vehicle.telemetry': { kind: 'command', roles: ['vehicle'], principalFields: ['vehicleId'] },
  'key.result': { kind: 'command', roles: ['vehicle'], principalFields: ['vehicleId'] },
  'vehicle.revoked': { kind: 'command', roles: ['vehicle'], principalFields: ['vehicleId'] },
  'store.collect': { kind: 'command', roles: ['courier'], principalFields: ['courierId'] },
  'store.handover': { kind: 'command', roles: ['store'], principalFields: ['storeId'] },
  'preorder.handedOver': { kind: 'command', roles: ['store'], principalFields: ['storeId'] },
  'store.preorderRefused': { kind: 'command', roles: ['store'], principalFields: ['storeId'] },
  'scanner.report': { kind: 'command', roles: ['beacon-gateway'], principalFields: ['storeId'] },
  'session.hello': { kind: 'query', roles: ROLES, principalFields: [] },
  'order.status': { kind: 'query', roles: ['courier', 'customer'], principalFields: [] },
} as const satisfies { readonly [T in InboundType]: MessageSpec };

/** Inbound types that are commands (journaled, carry a `cid`). */
export type CommandType = {
  [T in InboundType]: (typeof INBOUND)[T]['kind'] extends 'command' ? T : never;
}[InboundType];
export type QueryType = Exclude<InboundType, CommandType>;

/** The spec of an inbound type, widened for code that handles every type alike. */
export function specOf(type: InboundType): MessageSpec {
  return INBOUND[type];
}

export type { InboundBody, InboundType };
export { inboundSchemas };

/** Inbound types a role may send, in registry order (what `session.hello` lists). */
export function inboundTypesFor(role: Role): InboundType[] {
  return (Object.keys(INBOUND) as InboundType[]).filter((t) => specOf(t).roles.includes(role));
}

/** Default limits; the server's options can change them and `session.hello` reports them. */
export const DEFAULT_LIMITS = {
  /** Largest inbound message body, bytes of its JSON. Bigger ones get an `oversized` error ack. */
  maxMessageBytes: 16_384,
  /** Sustained inbound messages per second per connection (token bucket). */
  ratePerSecond: 100,
  /** Bucket size: how many messages a connection may send in one burst. */
  burst: 200,
} as const;

export type Limits = { readonly [K in keyof typeof DEFAULT_LIMITS]: number };

export type ErrorKind =
  | 'malformed'
  | 'oversized'
  | 'unknown_type'
  | 'forbidden'
  | 'rate_limited'
  | 'not_found'
  | 'overloaded'
  | 'shutting_down'
  | 'internal';

/** Error kinds that mean the client broke the protocol (as opposed to load or server state). */
export const PROTOCOL_ERRORS: readonly ErrorKind[] = ['malformed', 'oversized', 'unknown_type', 'forbidden'];

/** A message dispatch sends to a principal: the socket.io event name is its `type`. */
export interface OutboundMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

export interface CommandAck {
  readonly ok: true;
  /** Journal sequence number: the command's place in the server's history. */
  readonly seq: number;
  /** True when this cid was already journaled: the retry changed nothing. */
  readonly duplicate: boolean;
  /** What dispatch answered the sender while applying the command (also sent as events). */
  readonly replies: readonly OutboundMessage[];
}

export interface QueryAck<R = unknown> {
  readonly ok: true;
  readonly result: R;
}

export interface ErrorAck {
  readonly ok: false;
  readonly error: ErrorKind;
  readonly message: string;
  /** For `rate_limited` and `overloaded`: when a retry may succeed. */
  readonly retryAfterMs?: number;
}

export type Ack = CommandAck | QueryAck | ErrorAck;

export interface HelloResult {
  readonly principal: string;
  readonly role: Role;
  /** The server's clock, ms since the Unix epoch: `dueBy` and every time on the wire use it. */
  readonly serverTime: number;
  readonly accepts: readonly InboundType[];
  readonly limits: Limits;
  /** Dispatch's Ed25519 key-signing public key (raw 32 bytes, hex): cars verify digital keys with it. */
  readonly issuerPublicKey?: string;
}

export interface OrderStatus {
  readonly orderId: string;
  readonly flow: string;
  /** Last lifecycle step: created, assigned, pickedUp, delivered, completed, cancelled, refunded, rejected. */
  readonly step: string;
  readonly publisherId: string | null;
  readonly courierId: string | null;
  readonly fee: number | null;
  readonly dueBy: number;
}

/** Every message type dispatch sends; socket.io event name = `type`. */
export type ServerMessage =
  | DispatchToCustomer
  | DispatchToCourier
  | ChatDelivery
  | { type: 'errand.cancelRefused'; orderId: string; reason: string }
  | { type: 'error'; about: string; reason: string; orderId?: string }
  | RelayedMessage
  | { type: 'vehicle.revoke'; keyId: string }
  | { type: 'store.preorder'; orderId: string; items: readonly ItemLine[] }
  | { type: 'store.handoverPreorder'; orderId: string; beaconId: string };

/**
 * Messages dispatch relays between two principals without its machine: a key presented to a car
 * and the car's answer, a courier at a store's counter and the store's handover.
 */
export type RelayedMessage =
  | {
      type: 'key.present';
      requestId: string;
      holderId: string;
      action: Entitlement;
      key: DigitalKey;
    }
  | { type: 'key.result'; requestId: string; vehicleId: string; action: string; ok: boolean; reason?: string }
  | { type: 'store.collect'; orderId: string; courierId: string }
  | { type: 'store.handover'; orderId: string; storeId: string };

/** Sent when an inbound message without an acknowledgement callback fails. */
export interface ProtocolErrorEvent {
  readonly about: string;
  readonly error: ErrorKind;
  readonly message: string;
}

type Handler<M> = (message: M) => void;

export type ServerToClientEvents = {
  [M in ServerMessage as M['type']]: Handler<M>;
} & { 'protocol.error': Handler<ProtocolErrorEvent> };

/** The body a client emits for an inbound type: commands add the `cid` envelope field. */
export type WireBody<T extends InboundType> = T extends CommandType
  ? InboundBody<T> & { cid: string }
  : InboundBody<T>;

export type ClientToServerEvents = {
  [T in InboundType]: (body: WireBody<T>, ack: (ack: Ack) => void) => void;
};

export type { ErrandListing, OrderOutcome };
