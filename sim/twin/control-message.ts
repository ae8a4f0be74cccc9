import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { type ControlAction, MAX_MESSAGE_BYTES, SPEED_MAX, SPEED_MIN, type TwinErrorCode } from './wire.ts';

/** Furthest a seek may go: a week of sim time (a seek re-runs the world, so it must stay bounded). */
export const MAX_SEEK_MS = 7 * 86_400_000;

const token = z.string().min(1).max(256);
const controlSchema = z.discriminatedUnion('action', [
  z.object({ token, action: z.literal('pause') }).strict(),
  z.object({ token, action: z.literal('play') }).strict(),
  z.object({ token, action: z.literal('speed'), speed: z.number().min(SPEED_MIN).max(SPEED_MAX) }).strict(),
  z.object({ token, action: z.literal('seek'), time: z.number().int().min(0).max(MAX_SEEK_MS) }).strict(),
  z
    .object({
      token,
      action: z.literal('reload'),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
    })
    .strict(),
]);

const inspectSchema = z.string().min(1).max(200);

export type Checked<T> = { ok: true; value: T } | { ok: false; code: TwinErrorCode; error: string };

/** Bytes of a message as JSON, or Infinity when it cannot be serialised (so it is refused, never thrown). */
export function messageBytes(message: unknown): number {
  try {
    const text = JSON.stringify(message);
    return text === undefined ? 0 : Buffer.byteLength(text);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length ? issue.path.join('.') : 'message';
  return `${path}: ${issue.message}`;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks a control message in the order that leaks least and explains most: size first (an
 * oversized message is never parsed further), then the token (a message without the right token
 * is refused whatever it asks), then the shape with zod, whose first issue names the field.
 */
export function checkControl(message: unknown, expectedToken: string): Checked<ControlAction> {
  if (messageBytes(message) > MAX_MESSAGE_BYTES)
    return { ok: false, code: 'too_large', error: `control: expected at most ${MAX_MESSAGE_BYTES} bytes` };
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { ok: false, code: 'invalid', error: 'control: expected an object { token, action, … }' };
  const given = (message as { token?: unknown }).token;
  if (typeof given !== 'string' || !sameToken(given, expectedToken))
    return {
      ok: false,
      code: 'unauthorized',
      error: 'control: a valid token is required (printed at server start)',
    };
  const parsed = controlSchema.safeParse(message);
  if (!parsed.success) return { ok: false, code: 'invalid', error: `control: ${firstIssue(parsed.error)}` };
  const { token: _token, ...action } = parsed.data;
  return { ok: true, value: action as ControlAction };
}

/** An inspect request is one actor id. */
export function checkInspect(id: unknown): Checked<string> {
  if (messageBytes(id) > MAX_MESSAGE_BYTES)
    return { ok: false, code: 'too_large', error: `inspect: expected at most ${MAX_MESSAGE_BYTES} bytes` };
  const parsed = inspectSchema.safeParse(id);
  if (!parsed.success)
    return { ok: false, code: 'invalid', error: `inspect: expected an actor id (1–200 characters)` };
  return { ok: true, value: parsed.data };
}
