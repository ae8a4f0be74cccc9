import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ROLES, type TokenRole } from './wire-protocol.ts';
import { idSchema } from './wire-schemas.ts';

/**
 * Signed tokens naming one principal (a courier, a customer, a store…): `ct1.<claims>.<mac>`, where
 * claims are base64url JSON `{ sub, role, iat, exp }` (seconds) and mac is HMAC-SHA256 of
 * `ct1.<claims>` under the server secret. Stateless, so the load driver and tests can mint their own
 * with the shared secret, and a forged or edited token fails the MAC check.
 */

const PREFIX = 'ct1';

const claimsSchema = z.strictObject({
  sub: idSchema,
  role: z.enum([...ROLES, 'admin']),
  iat: z.number().int(),
  exp: z.number().int(),
});

export type TokenClaims = z.output<typeof claimsSchema>;

/** A fresh random secret (hex), for a server started without one. */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

function mac(secret: string, signed: string): Buffer {
  return createHmac('sha256', secret).update(signed).digest();
}

/** Mints a token for `sub` acting as `role`, valid `ttlSeconds` from `nowMs`. */
export function mintToken(
  secret: string,
  claims: { sub: string; role: TokenRole; ttlSeconds: number },
  nowMs: number,
): string {
  const iat = Math.floor(nowMs / 1000);
  const body = {
    sub: claims.sub,
    role: claims.role,
    iat,
    exp: iat + Math.max(1, Math.floor(claims.ttlSeconds)),
  };
  const encoded = Buffer.from(JSON.stringify(body)).toString('base64url');
  const signed = `${PREFIX}.${encoded}`;
  return `${signed}.${mac(secret, signed).toString('base64url')}`;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

/**
 * Checks a token's MAC (constant-time), shape and validity window. The reason is meant for the
 * client (`unauthorised: expired`), never reveals the secret, and is the same for every forgery.
 */
export function verifyToken(secret: string, token: unknown, nowMs: number): TokenCheck {
  if (typeof token !== 'string' || token.length > 2048) return { ok: false, reason: 'missing token' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return { ok: false, reason: 'malformed token' };
  const expected = mac(secret, `${parts[0]}.${parts[1]}`);
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad signature' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  const parsed = claimsSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'malformed token' };
  const now = Math.floor(nowMs / 1000);
  if (parsed.data.exp <= now) return { ok: false, reason: 'expired' };
  if (parsed.data.iat > now + 300) return { ok: false, reason: 'not yet valid' };
  return { ok: true, claims: parsed.data };
}
