import { z } from 'zod';
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
