/**
 * Rotating ephemeral ids (flow 5): a car's beacon broadcasts a keyed hash of its device secret and
 * the current time slot, so a listener can neither track the car across slots nor forge its id,
 * while dispatch, which knows the secrets of beacons bound to preorders, can resolve it.
 *
 * Beacon clocks drift, so the resolver accepts a window of slots around its own. Everything here is
 * pure: tables and replay caches are plain data, returned anew rather than mutated.
 */
import type { CryptoPort } from './crypto-port.ts';

/** Default slot length: a new id every five minutes. */
export const EID_SLOT_SECONDS = 300;
/** Default tolerance: a beacon clock up to one slot fast or slow still resolves. */
export const EID_DRIFT_SLOTS = 1;
/**
 * Default extra slots recognised beyond the drift window, only to tell an id that is too old or too
 * new (`outside_window`) from one that belongs to no device (`unknown_device`).
 */
export const EID_MARGIN_SLOTS = 2;

const EID_DOMAIN = new TextEncoder().encode('citytwin-eid');

/**
 * The id a device advertises during `slot`: the first 8 bytes, in hex, of
 * HMAC-SHA256(secret, "citytwin-eid" || slot as signed 64-bit big-endian). Without the secret, ids
 * of different slots are unlinkable and unpredictable.
 */
export function ephemeralId(crypto: CryptoPort, deviceSecret: Uint8Array, slot: number): string {
  if (!Number.isSafeInteger(slot)) throw new RangeError(`ephemeralId: slot must be an integer, got ${slot}`);
  const message = new Uint8Array(EID_DOMAIN.length + 8);
  message.set(EID_DOMAIN);
  new DataView(message.buffer).setBigInt64(EID_DOMAIN.length, BigInt(slot));
  const mac = crypto.hmac(deviceSecret, message);
  let hex = '';
  for (let i = 0; i < 8; i++) hex += mac[i]!.toString(16).padStart(2, '0');
  return hex;
}

/** The slot a clock reading falls in; the beacon passes its own (drifted) clock, the resolver its own. */
export function slotAt(now: number, slotSeconds = EID_SLOT_SECONDS): number {
  if (!(slotSeconds > 0)) throw new RangeError(`slotAt: slotSeconds must be positive, got ${slotSeconds}`);
  return Math.floor(now / slotSeconds);
}

export interface RegisteredDevice {
  readonly deviceId: string;
  readonly secret: Uint8Array;
}

export interface EidMatch {
  readonly deviceId: string;
  readonly slot: number;
}

// ---------------------------------------------------------------------------------------------
// Precomputed lookup

/**
 * Every id every registered device advertises in `[centreSlot - reach, centreSlot + reach]`, with
 * `reach = driftSlots + marginSlots`, so resolving is one property lookup instead of an HMAC per
 * device and slot. A 64-bit collision inside the window (negligible) keeps the first entry.
 */
export interface EidTable {
  readonly centreSlot: number;
  readonly driftSlots: number;
  readonly marginSlots: number;
  readonly byEid: Readonly<Record<string, EidMatch>>;
  /** The ids each slot contributed, so advancing drops a slot without scanning the table. */
  readonly eidsBySlot: Readonly<Record<string, readonly string[]>>;
}

function reachOf(table: Pick<EidTable, 'driftSlots' | 'marginSlots'>): number {
  return table.driftSlots + table.marginSlots;
}

function addSlot(
  crypto: CryptoPort,
  registry: readonly RegisteredDevice[],
  slot: number,
  byEid: Record<string, EidMatch>,
  eidsBySlot: Record<string, readonly string[]>,
): void {
  const eids: string[] = [];
  for (const { deviceId, secret } of registry) {
    const eid = ephemeralId(crypto, secret, slot);
    if (Object.hasOwn(byEid, eid)) continue;
    byEid[eid] = { deviceId, slot };
    eids.push(eid);
  }
  eidsBySlot[slot] = eids;
}

function dropSlot(
  slot: number,
  byEid: Record<string, EidMatch>,
  eidsBySlot: Record<string, readonly string[]>,
) {
  for (const eid of eidsBySlot[slot] ?? []) {
    if (byEid[eid]?.slot === slot) delete byEid[eid];
  }
  delete eidsBySlot[slot];
}

/** Builds the table for a resolver whose clock is in `centreSlot`: (2·reach + 1) HMACs per device. */
export function buildEidTable(
  crypto: CryptoPort,
  registry: readonly RegisteredDevice[],
  centreSlot: number,
  driftSlots = EID_DRIFT_SLOTS,
  marginSlots = EID_MARGIN_SLOTS,
): EidTable {
  const byEid: Record<string, EidMatch> = {};
  const eidsBySlot: Record<string, readonly string[]> = {};
  const reach = driftSlots + marginSlots;
  for (let slot = centreSlot - reach; slot <= centreSlot + reach; slot++) {
    addSlot(crypto, registry, slot, byEid, eidsBySlot);
  }
  return { centreSlot, driftSlots, marginSlots, byEid, eidsBySlot };
}

/**
 * Moves the table to a new centre slot, computing only the slots that enter the range and dropping
 * those that leave it: one slot's HMACs per device when the clock advances by one slot.
 * `registry` must be the one the table was built from.
 */
export function advanceEidTable(
  crypto: CryptoPort,
  registry: readonly RegisteredDevice[],
  table: EidTable,
  centreSlot: number,
): EidTable {
  if (centreSlot === table.centreSlot) return table;
  const reach = reachOf(table);
  const byEid = { ...table.byEid };
  const eidsBySlot = { ...table.eidsBySlot };
  for (let slot = table.centreSlot - reach; slot <= table.centreSlot + reach; slot++) {
    if (Math.abs(slot - centreSlot) > reach) dropSlot(slot, byEid, eidsBySlot);
  }
  for (let slot = centreSlot - reach; slot <= centreSlot + reach; slot++) {
    if (!Object.hasOwn(eidsBySlot, slot)) addSlot(crypto, registry, slot, byEid, eidsBySlot);
  }
  return { ...table, centreSlot, byEid, eidsBySlot };
}

/** Adds a newly bound beacon to a table without rebuilding it. */
export function addDeviceToTable(crypto: CryptoPort, table: EidTable, device: RegisteredDevice): EidTable {
  const byEid = { ...table.byEid };
  const eidsBySlot = { ...table.eidsBySlot };
  const reach = reachOf(table);
  for (let slot = table.centreSlot - reach; slot <= table.centreSlot + reach; slot++) {
    const eid = ephemeralId(crypto, device.secret, slot);
    if (Object.hasOwn(byEid, eid)) continue;
    byEid[eid] = { deviceId: device.deviceId, slot };
    eidsBySlot[slot] = [...(eidsBySlot[slot] ?? []), eid];
  }
  return { ...table, byEid, eidsBySlot };
}

/** Removes an unbound beacon (its preorder ended), recomputing only its own ids. */
export function removeDeviceFromTable(
  crypto: CryptoPort,
  table: EidTable,
  device: RegisteredDevice,
): EidTable {
  const byEid = { ...table.byEid };
  const eidsBySlot = { ...table.eidsBySlot };
  const reach = reachOf(table);
  for (let slot = table.centreSlot - reach; slot <= table.centreSlot + reach; slot++) {
    const eid = ephemeralId(crypto, device.secret, slot);
    if (byEid[eid]?.deviceId !== device.deviceId || byEid[eid]?.slot !== slot) continue;
    delete byEid[eid];
    eidsBySlot[slot] = (eidsBySlot[slot] ?? []).filter((e) => e !== eid);
  }
  return { ...table, byEid, eidsBySlot };
}

/** The device and slot an id belongs to, if the table knows it. */
export function lookupEid(table: EidTable, eid: string): EidMatch | null {
  return Object.hasOwn(table.byEid, eid) ? table.byEid[eid]! : null;
}

/** The same answer as a table lookup, by computing every candidate: for tests and tiny registries. */
export function findEidBruteForce(
  crypto: CryptoPort,
  registry: readonly RegisteredDevice[],
  eid: string,
  centreSlot: number,
  reach: number,
): EidMatch | null {
  for (let slot = centreSlot - reach; slot <= centreSlot + reach; slot++) {
    for (const { deviceId, secret } of registry) {
      if (ephemeralId(crypto, secret, slot) === eid) return { deviceId, slot };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Replay protection and resolution

/**
 * Which (device, scope) pairs were accepted in which slot. Slots below `floorSlot` are forgotten;
 * the floor only rises, and a match below it is refused, so forgetting never re-opens a replay.
 */
export interface ReplayCache {
  readonly floorSlot: number;
  readonly acceptedBySlot: Readonly<Record<string, Readonly<Record<string, true>>>>;
}

export function emptyReplayCache(): ReplayCache {
  return { floorSlot: Number.MIN_SAFE_INTEGER, acceptedBySlot: {} };
}

export interface Advertisement {
  readonly eid: string;
  /** When the scanner heard it, on the resolver's clock (sim seconds). */
  readonly heardAt: number;
}

export interface ResolveOptions {
  readonly slotSeconds?: number;
  readonly driftSlots?: number;
  readonly marginSlots?: number;
  readonly seen: ReplayCache;
  /** What an acceptance is for, e.g. the preorder id: each scope accepts a (device, slot) once. */
  readonly scope?: string;
  /**
   * A table built from the same registry with the same drift and margin; used when centred on the
   * advertisement's slot, otherwise the resolver falls back to computing (slow, same answer).
   */
  readonly table?: EidTable;
}

export type ResolveRefusal = 'unknown_device' | 'outside_window' | 'replayed';

export type ResolveResult =
  | { readonly ok: true; readonly deviceId: string; readonly slot: number; readonly nextSeen: ReplayCache }
  | { readonly ok: false; readonly reason: ResolveRefusal };

/**
 * Resolves an advertisement to the registered device that sent it. Accepts ids of slots within
 * ±driftSlots of the resolver's slot at `heardAt` (clock drift); an id of a recognisable but older or
 * newer slot is `outside_window` (a recorded id played back later); an id of no registered device
 * is `unknown_device`; a (device, slot) already accepted in this scope is `replayed`.
 */
export function resolveAdvertisement(
  crypto: CryptoPort,
  registry: readonly RegisteredDevice[],
  advertisement: Advertisement,
  opts: ResolveOptions,
): ResolveResult {
  const driftSlots = opts.driftSlots ?? EID_DRIFT_SLOTS;
  const marginSlots = opts.marginSlots ?? EID_MARGIN_SLOTS;
  const centre = slotAt(advertisement.heardAt, opts.slotSeconds ?? EID_SLOT_SECONDS);
  const { table } = opts;
  const match =
    table &&
    table.centreSlot === centre &&
    table.driftSlots === driftSlots &&
    table.marginSlots === marginSlots
      ? lookupEid(table, advertisement.eid)
      : findEidBruteForce(crypto, registry, advertisement.eid, centre, driftSlots + marginSlots);

  if (match === null) return { ok: false, reason: 'unknown_device' };
  const { seen } = opts;
  if (Math.abs(match.slot - centre) > driftSlots || match.slot < seen.floorSlot) {
    return { ok: false, reason: 'outside_window' };
  }
  const acceptKey = JSON.stringify([match.deviceId, opts.scope ?? '']);
  if (seen.acceptedBySlot[match.slot]?.[acceptKey]) return { ok: false, reason: 'replayed' };
  const nextSeen = rememberAccepted(seen, match.slot, acceptKey, centre - driftSlots);
  return { ok: true, deviceId: match.deviceId, slot: match.slot, nextSeen };
}

/** Records an acceptance and forgets slots that fell below the (never lowering) window floor. */
function rememberAccepted(
  seen: ReplayCache,
  slot: number,
  acceptKey: string,
  windowFloor: number,
): ReplayCache {
  const floorSlot = Math.max(seen.floorSlot, windowFloor);
  const acceptedBySlot: Record<string, Readonly<Record<string, true>>> = {};
  for (const [key, accepted] of Object.entries(seen.acceptedBySlot)) {
    if (Number(key) >= floorSlot) acceptedBySlot[key] = accepted;
  }
  acceptedBySlot[slot] = { ...acceptedBySlot[slot], [acceptKey]: true };
  return { floorSlot, acceptedBySlot };
}
