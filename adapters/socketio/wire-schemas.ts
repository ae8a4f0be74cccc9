import { z } from 'zod';
import { ENTITLEMENTS } from '../../machines/digital-key.ts';
import { ERRAND_CATEGORIES } from '../../machines/protocol.ts';

/**
 * Zod schemas of the inbound wire messages, one per message kind of `machines/protocol.ts`.
 * Every object is strict (unknown fields are refused), every string and list is bounded, every
 * number is finite: the server accepts nothing it would have to guess about.
 */

/** Principal, order and request ids: short, printable, no spaces. */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.:+@-]+$/, 'expected letters, digits and . : + @ - _ only');

/** A client command id: unique per principal, so a retry after a lost ack acts once. */
export const cidSchema = idSchema;

const text = (max: number) => z.string().max(max);
const coordinate = z.number().finite().min(-1e6).max(1e6);
export const pointSchema = z.strictObject({ x: coordinate, y: coordinate });
const category = z.enum(ERRAND_CATEGORIES);
const categories = z
  .array(category)
  .min(1)
  .max(ERRAND_CATEGORIES.length)
  .refine((list) => new Set(list).size === list.length, 'expected each category at most once');
const cents = z.number().int().min(0).max(100_000_000);

export const errandRequestSchema = z.strictObject({
  requestId: idSchema,
  /** Filled from the token when absent; refused when it names someone else. */
  publisherId: idSchema.optional(),
  category,
  description: text(1000),
  recipient: text(200),
  phone: text(40),
  pickup: pointSchema,
  dropoff: pointSchema,
  feeMode: z.enum(['ordinary', 'professional']),
  offeredFee: cents.optional(),
  storeId: idSchema.optional(),
  /** Latest acceptable completion, ms since the Unix epoch (the server's clock). */
  dueBy: z.number().int().min(0).max(8.64e15),
});

const publisherOrder = { orderId: idSchema, publisherId: idSchema.optional() };
const courierOrder = { orderId: idSchema, courierId: idSchema.optional() };
const count = z.number().int().min(1).max(10_000);
const items = z
  .array(z.strictObject({ productId: idSchema, qty: count }))
  .min(1)
  .max(50);
const epochMs = z.number().int().min(0).max(8.64e15);

/** Flow 1: goods delivered into the trunk of the customer's registered car. */
export const trunkRequestSchema = z.strictObject({
  requestId: idSchema,
  customerId: idSchema.optional(),
  vehicleId: idSchema,
  storeId: idSchema,
  items,
  goodsCents: cents,
  dueBy: epochMs,
});

/** Flow 5: goods ordered ahead, handed to the car at the store's curb when its beacon is heard. */
export const preorderRequestSchema = z.strictObject({
  requestId: idSchema,
  customerId: idSchema.optional(),
  beaconId: idSchema,
  storeId: idSchema,
  items,
  totalCents: cents,
});

/**
 * A digital key as dispatch issued it (`machines/digital-key.ts`); the signature travels as
 * binary (socket.io attachments). Times are seconds since the epoch on the server's clock.
 */
export const digitalKeySchema = z.strictObject({
  keyId: idSchema,
  vehicleId: idSchema,
  holderId: idSchema,
  entitlements: z.array(z.enum(ENTITLEMENTS)).min(1).max(ENTITLEMENTS.length),
  validFrom: z.number().int().min(0),
  validUntil: z.number().int().min(0),
  maxUses: z.number().int().min(1).max(1_000_000).nullable(),
  revocationEpoch: z.number().int().min(0),
  issuedAt: z.number().int().min(0),
  supersedes: idSchema.nullable(),
  signature: z.instanceof(Uint8Array).refine((b) => b.length === 64, 'expected a 64-byte Ed25519 signature'),
});

/** Inbound schemas by message type (the wire body without the `cid` envelope field). */
export const inboundSchemas = {
  'errand.publish': z.strictObject({ request: errandRequestSchema }),
  'errand.cancel': z.strictObject(publisherOrder),
  'errand.confirm': z.strictObject(publisherOrder),
  'errand.dispute': z.strictObject({ ...publisherOrder, reason: text(500) }),
  'courier.online': z.strictObject({
    courierId: idSchema.optional(),
    courierType: z.enum(['ordinary', 'professional']),
    mode: z.enum(['foot', 'bike', 'car']),
    categories,
    position: pointSchema,
  }),
  'courier.offline': z.strictObject({ courierId: idSchema.optional() }),
  'courier.position': z.strictObject({
    courierId: idSchema.optional(),
    position: pointSchema,
    /** Expected arrival at the current destination, ms since the Unix epoch; null when standing. */
    eta: z.number().finite().min(0).max(8.64e15).nullable(),
  }),
  'errand.pull': z.strictObject({
    courierId: idSchema.optional(),
    position: pointSchema,
    radius: z.number().finite().min(0).max(50_000),
    categories,
  }),
  'errand.accept': z.strictObject(courierOrder),
  'errand.pickedUp': z.strictObject(courierOrder),
  'errand.delivered': z.strictObject(courierOrder),
  'chat.send': z.strictObject({ fromId: idSchema.optional(), toMasked: idSchema, text: text(1000) }),
  'trunk.order': z.strictObject({ request: trunkRequestSchema }),
  'trunk.atCar': z.strictObject(courierOrder),
  'trunk.deposited': z.strictObject(courierOrder),
  'trunk.unlockFailed': z.strictObject({ ...courierOrder, reason: text(100) }),
  'trunk.returned': z.strictObject(courierOrder),
  'rental.request': z.strictObject({
    request: z.strictObject({
      requestId: idSchema,
      renterId: idSchema.optional(),
      vehicleId: idSchema,
      minutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60),
    }),
  }),
  'rental.upgrade': z.strictObject({ rentalId: idSchema, renterId: idSchema.optional(), licence: text(100) }),
  'rental.end': z.strictObject({ rentalId: idSchema, renterId: idSchema.optional() }),
  'preorder.place': z.strictObject({ request: preorderRequestSchema }),
  'cart.get': z.strictObject({ userId: idSchema.optional(), replyTo: idSchema.optional() }),
  'cart.pay': z.strictObject({
    userId: idSchema.optional(),
    paymentId: idSchema,
    replyTo: idSchema.optional(),
  }),
  'cart.take': z.strictObject({
    readingId: idSchema,
    robotId: idSchema.optional(),
    userId: idSchema,
    productId: idSchema,
  }),
  'cart.putBack': z.strictObject({
    readingId: idSchema,
    robotId: idSchema.optional(),
    userId: idSchema,
    productId: idSchema,
  }),
  'cart.sessionEnded': z.strictObject({
    readingId: idSchema,
    sessionReadings: z.array(idSchema).max(1000),
    robotId: idSchema.optional(),
    userId: idSchema,
  }),
  /** A holder (courier, renter) presents a key to a car; dispatch relays it to the car. */
  'vehicle.key': z.strictObject({
    vehicleId: idSchema,
    requestId: idSchema,
    action: z.enum(ENTITLEMENTS),
    key: digitalKeySchema,
  }),
  'vehicle.telemetry': z.strictObject({
    vehicleId: idSchema.optional(),
    position: pointSchema,
    parked: z.boolean(),
    parkingSpaceId: idSchema.nullable(),
    trunk: z.enum(['closed', 'open', 'latching', 'alarm']),
    revocationEpoch: z.number().int().min(0).max(1_000_000_000),
  }),
  'key.result': z.strictObject({
    vehicleId: idSchema.optional(),
    requestId: idSchema,
    action: z.enum(ENTITLEMENTS),
    ok: z.boolean(),
    reason: text(100).optional(),
  }),
  'vehicle.revoked': z.strictObject({ vehicleId: idSchema.optional(), keyId: idSchema }),
  'store.collect': z.strictObject({ orderId: idSchema, storeId: idSchema, courierId: idSchema.optional() }),
  'store.handover': z.strictObject({ orderId: idSchema, courierId: idSchema, storeId: idSchema.optional() }),
  'preorder.handedOver': z.strictObject({ orderId: idSchema, storeId: idSchema.optional() }),
  'store.preorderRefused': z.strictObject({
    orderId: idSchema,
    storeId: idSchema.optional(),
    reason: text(100),
  }),
  'scanner.report': z.strictObject({ storeId: idSchema.optional(), eid: idSchema, heardAt: epochMs }),
  'session.hello': z.strictObject({}),
  'order.status': z.strictObject({ orderId: idSchema }),
} as const;

export type InboundType = keyof typeof inboundSchemas;
export type InboundBody<T extends InboundType> = z.input<(typeof inboundSchemas)[T]>;

/** The first problem of a failed parse as `path: message`, for error acks a developer can act on. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid message';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(message)';
  return `${path}: ${issue.message}`;
}
