/**
 * Digital keys (flows 1 and 3): a credential signed by dispatch that lets one holder perform a
 * listed set of actions on one vehicle within a time window, optionally a limited number of times.
 *
 * The vehicle verifies keys itself, against state it keeps in its own context, so a key works and a
 * revocation holds while the car is offline. All functions are pure: state in, new state out.
 */
import type { CryptoPort, KeyHandle } from './crypto-port.ts';

/** Every action a key can grant. Data, not code: extend the list to add an actuator. */
export const ENTITLEMENTS = [
  'door_unlock',
  'door_lock',
  'trunk_open',
  'engine_start',
  'climate',
  'lights',
] as const;
export type Entitlement = (typeof ENTITLEMENTS)[number];

/** Narrows untrusted input (wire messages, scenarios) to a known entitlement. */
export function isEntitlement(value: string): value is Entitlement {
  return (ENTITLEMENTS as readonly string[]).includes(value);
}

/** Everything a key says, i.e. everything the signature covers. Times are sim seconds. */
export interface DigitalKeyFields {
  readonly keyId: string;
  readonly vehicleId: string;
  readonly holderId: string;
  readonly entitlements: readonly Entitlement[];
  /** The key works for `validFrom <= now < validUntil`. */
  readonly validFrom: number;
  readonly validUntil: number;
  /** `null` = unlimited; `1` = single-use (trunk delivery). */
  readonly maxUses: number | null;
  /** The vehicle's revocation counter when the key was issued; a car with a higher counter refuses it. */
  readonly revocationEpoch: number;
  readonly issuedAt: number;
  /** The key id this key replaces (an upgrade); the car revokes that id when this key is used. */
  readonly supersedes: string | null;
}

export interface DigitalKey extends DigitalKeyFields {
  readonly signature: Uint8Array;
}

/** What an issuer supplies; `supersedes` defaults to `null`. */
export type KeyIssue = Omit<DigitalKeyFields, 'supersedes'> & { readonly supersedes?: string | null };

export type KeyFieldsProblem =
  | 'empty_id'
  | 'no_entitlements'
  | 'unknown_entitlement'
  | 'bad_time'
  | 'empty_window'
  | 'bad_max_uses'
  | 'bad_epoch'
  | 'supersedes_itself';

/** Checks issue input before signing, so dispatch can refuse a request with a precise reason. */
export function validateKeyFields(
  fields: KeyIssue,
): { readonly ok: true } | { readonly ok: false; readonly reason: KeyFieldsProblem } {
  const fail = (reason: KeyFieldsProblem) => ({ ok: false, reason }) as const;
  if (!fields.keyId || !fields.vehicleId || !fields.holderId || fields.supersedes === '')
    return fail('empty_id');
  if (fields.entitlements.length === 0) return fail('no_entitlements');
  if (!fields.entitlements.every((e) => isEntitlement(e))) return fail('unknown_entitlement');
  if (![fields.validFrom, fields.validUntil, fields.issuedAt].every(Number.isFinite)) return fail('bad_time');
  if (!(fields.validFrom < fields.validUntil)) return fail('empty_window');
  if (fields.maxUses !== null && !(Number.isSafeInteger(fields.maxUses) && fields.maxUses > 0)) {
    return fail('bad_max_uses');
  }
  if (!(Number.isSafeInteger(fields.revocationEpoch) && fields.revocationEpoch >= 0))
    return fail('bad_epoch');
  if (fields.supersedes === fields.keyId) return fail('supersedes_itself');
  return { ok: true };
}

const KEY_DOMAIN = 'citytwin/digital-key/v1';
const utf8 = new TextEncoder();

/**
 * Stable bytes of every field except the signature: a domain tag, then the fields in a fixed order,
 * strings length-prefixed (so no two keys share an encoding), numbers as float64 big-endian,
 * entitlements sorted and de-duplicated (so their order is not part of what is signed).
 */
export function canonicalKeyBytes(key: DigitalKeyFields): Uint8Array {
  const parts: Uint8Array[] = [];
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n);
    parts.push(b);
  };
  const str = (s: string) => {
    const b = utf8.encode(s);
    u32(b.length);
    parts.push(b);
  };
  const num = (n: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, n);
    parts.push(b);
  };
  const tag = (present: boolean) => parts.push(Uint8Array.of(present ? 1 : 0));

  str(KEY_DOMAIN);
  str(key.keyId);
  str(key.vehicleId);
  str(key.holderId);
  const entitlements = normaliseEntitlements(key.entitlements);
  u32(entitlements.length);
  entitlements.forEach(str);
  num(key.validFrom);
  num(key.validUntil);
  tag(key.maxUses !== null);
  if (key.maxUses !== null) num(key.maxUses);
  num(key.revocationEpoch);
  num(key.issuedAt);
  tag(key.supersedes !== null);
  if (key.supersedes !== null) str(key.supersedes);

  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function normaliseEntitlements(entitlements: readonly Entitlement[]): Entitlement[] {
  return [...new Set(entitlements)].sort();
}

/**
 * Signs a new key. Invalid fields throw: dispatch is expected to call `validateKeyFields` on
 * untrusted input first, so reaching here with bad fields is a programming error.
 */
export function issueKey(crypto: CryptoPort, issuerPrivateKey: KeyHandle, fields: KeyIssue): DigitalKey {
  const valid = validateKeyFields(fields);
  if (!valid.ok) throw new RangeError(`issueKey: invalid key fields (${valid.reason})`);
  const unsigned: DigitalKeyFields = {
    keyId: fields.keyId,
    vehicleId: fields.vehicleId,
    holderId: fields.holderId,
    entitlements: normaliseEntitlements(fields.entitlements),
    validFrom: fields.validFrom,
    validUntil: fields.validUntil,
    maxUses: fields.maxUses,
    revocationEpoch: fields.revocationEpoch,
    issuedAt: fields.issuedAt,
    supersedes: fields.supersedes ?? null,
  };
  return { ...unsigned, signature: crypto.sign(issuerPrivateKey, canonicalKeyBytes(unsigned)) };
}

// ---------------------------------------------------------------------------------------------
// The vehicle's side

/**
 * What a car remembers about keys, as plain serialisable data in the vehicle machine's context.
 *
 * Revocation protocol: dispatch stamps each key with the counter value the car last reported, and
 * raises the counter only through the car (`revokeAllBefore`). Under that rule every key a car has
 * seen carries an epoch at or below its counter, which is what makes clearing the lists on a raise
 * safe.
 */
export interface VehicleKeyState {
  readonly revocationEpoch: number;
  /** Individually revoked key ids, sorted, at most `MAX_REVOKED_KEY_IDS`. */
  readonly revokedKeyIds: readonly string[];
  /** Successful uses per key id since the counter last rose. */
  readonly usesByKey: Readonly<Record<string, number>>;
}

/** Bound on the car's revocation list (cars have little memory); overflow fails closed. */
export const MAX_REVOKED_KEY_IDS = 256;

/** A car that has never revoked anything, at counter `revocationEpoch`. */
export function initialVehicleKeyState(revocationEpoch = 0): VehicleKeyState {
  return { revocationEpoch, revokedKeyIds: [], usesByKey: {} };
}

/**
 * Raises the car's counter so every key issued before `epoch` is refused. Monotonic: a delayed or
 * replayed older command never lowers it. A raise forgets individual revocations and use counts,
 * since every key they concern is now refused by epoch.
 */
export function revokeAllBefore(state: VehicleKeyState, epoch: number): VehicleKeyState {
  if (!Number.isSafeInteger(epoch))
    throw new RangeError(`revokeAllBefore: epoch must be an integer, got ${epoch}`);
  if (epoch <= state.revocationEpoch) return state;
  return { revocationEpoch: epoch, revokedKeyIds: [], usesByKey: {} };
}

/**
 * Revokes one key id in the car. When the list is full the car fails closed: it raises its counter
 * by one, which refuses every key issued so far (revoked ones included); dispatch sees the new
 * counter in telemetry and re-issues keys that should still work.
 */
export function revokeKey(state: VehicleKeyState, keyId: string): VehicleKeyState {
  if (state.revokedKeyIds.includes(keyId)) return state;
  if (state.revokedKeyIds.length >= MAX_REVOKED_KEY_IDS) {
    return revokeAllBefore(state, state.revocationEpoch + 1);
  }
  const { [keyId]: _forgotten, ...usesByKey } = state.usesByKey;
  return {
    revocationEpoch: state.revocationEpoch,
    revokedKeyIds: [...state.revokedKeyIds, keyId].sort(),
    usesByKey,
  };
}

/** Whether the car refuses this key by id or by epoch, whatever else it says. */
export function isRevoked(state: VehicleKeyState, key: DigitalKeyFields): boolean {
  return key.revocationEpoch < state.revocationEpoch || state.revokedKeyIds.includes(key.keyId);
}

export type KeyUseRefusal =
  | 'bad_signature'
  | 'wrong_vehicle'
  | 'wrong_holder'
  | 'revoked'
  | 'not_yet_valid'
  | 'expired'
  | 'uses_exhausted'
  | 'not_entitled';

export interface KeyUse {
  readonly key: DigitalKey;
  /** The vehicle doing the check (its own id, not the key's claim). */
  readonly vehicleId: string;
  /** Who presents the key (the authenticated phone or terminal). */
  readonly presenterId: string;
  readonly action: Entitlement;
  readonly now: number;
}

export type KeyUseResult =
  | { readonly ok: true; readonly nextState: VehicleKeyState; readonly usesRemaining: number | null }
  | { readonly ok: false; readonly reason: KeyUseRefusal };

/**
 * Decides whether the car performs `action` for this key. The order of checks is part of the
 * contract: signature first, so a forged or tampered key learns nothing else (not even whether the
 * vehicle or holder matched); then vehicle, holder, revocation, window, use count, entitlement.
 * On success the use is counted in a new state (the old one is untouched), and a superseding key
 * revokes the key it replaces.
 */
export function verifyKeyUse(
  crypto: CryptoPort,
  issuerPublicKey: KeyHandle,
  vehicleState: VehicleKeyState,
  use: KeyUse,
): KeyUseResult {
  const { key, now } = use;
  const refuse = (reason: KeyUseRefusal) => ({ ok: false, reason }) as const;
  if (!crypto.verify(issuerPublicKey, canonicalKeyBytes(key), key.signature)) return refuse('bad_signature');
  if (key.vehicleId !== use.vehicleId) return refuse('wrong_vehicle');
  if (key.holderId !== use.presenterId) return refuse('wrong_holder');
  if (isRevoked(vehicleState, key)) return refuse('revoked');
  if (now < key.validFrom) return refuse('not_yet_valid');
  if (now >= key.validUntil) return refuse('expired');
  const used = vehicleState.usesByKey[key.keyId] ?? 0;
  if (key.maxUses !== null && used >= key.maxUses) return refuse('uses_exhausted');
  if (!key.entitlements.includes(use.action)) return refuse('not_entitled');

  const afterSupersede = key.supersedes === null ? vehicleState : revokeKey(vehicleState, key.supersedes);
  const nextState: VehicleKeyState = {
    ...afterSupersede,
    usesByKey: { ...afterSupersede.usesByKey, [key.keyId]: used + 1 },
  };
  return { ok: true, nextState, usesRemaining: key.maxUses === null ? null : key.maxUses - used - 1 };
}

// ---------------------------------------------------------------------------------------------
// Upgrades

export interface KeyUpgrade {
  /** Id of the new key; must differ from the old one, which it supersedes. */
  readonly keyId: string;
  readonly addEntitlements: readonly Entitlement[];
  readonly issuedAt: number;
  /**
   * The caller's attestation that the holder passed the check this upgrade needs (licence,
   * deposit, identity). This module cannot verify that; it only refuses to upgrade without it.
   */
  readonly verified: boolean;
}

export type KeyUpgradeRefusal =
  | 'not_verified'
  | 'bad_signature'
  | 'expired'
  | 'nothing_to_add'
  | 'key_id_reused';

/**
 * Issues a key granting the old key's entitlements plus `addEntitlements`, superseding the old one.
 *
 * The upgrade rule: only with `verified: true`, only for an untampered key the same issuer signed
 * (checked by re-signing, which works because Ed25519 is deterministic), only before it expires, and
 * only if it adds something. Vehicle, holder, window, use limit and revocation epoch are inherited:
 * an upgrade widens what a key may do, never for whom, where, when, or after a revocation by epoch.
 * Use counts are per key id, so the new key starts a fresh count. The old key keeps working until
 * the car sees the new one (which revokes it there) or dispatch revokes it with `revokeKey`.
 */
export function upgradeKey(
  crypto: CryptoPort,
  issuerPrivateKey: KeyHandle,
  oldKey: DigitalKey,
  upgrade: KeyUpgrade,
):
  | { readonly ok: true; readonly key: DigitalKey }
  | { readonly ok: false; readonly reason: KeyUpgradeRefusal } {
  const refuse = (reason: KeyUpgradeRefusal) => ({ ok: false, reason }) as const;
  if (!upgrade.verified) return refuse('not_verified');
  if (!sameBytes(crypto.sign(issuerPrivateKey, canonicalKeyBytes(oldKey)), oldKey.signature)) {
    return refuse('bad_signature');
  }
  if (upgrade.issuedAt >= oldKey.validUntil) return refuse('expired');
  if (upgrade.addEntitlements.every((e) => oldKey.entitlements.includes(e))) return refuse('nothing_to_add');
  if (upgrade.keyId === oldKey.keyId) return refuse('key_id_reused');
  const key = issueKey(crypto, issuerPrivateKey, {
    ...oldKey,
    keyId: upgrade.keyId,
    entitlements: [...oldKey.entitlements, ...upgrade.addEntitlements],
    issuedAt: upgrade.issuedAt,
    supersedes: oldKey.keyId,
  });
  return { ok: true, key };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
