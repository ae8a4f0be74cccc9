/**
 * The crypto port: the only way pure domain code signs, verifies and hashes.
 *
 * Machines never import a crypto library; the world injects an implementation (in the sim,
 * `adapters/sim/node-crypto.ts`). Every operation is synchronous so a verification can run inside a
 * pure transition, and deterministic so a seeded run reproduces the same bytes in its event log.
 */

/** Which kind of key a handle wraps; a port refuses a handle of the wrong kind. */
export type KeyKind = 'ed25519-private' | 'ed25519-public';

/**
 * An opaque key: domain code passes it through and never looks inside `raw`, which belongs to the
 * adapter that made it (a `KeyObject` for node:crypto, a device slot id for hardware).
 */
export interface KeyHandle {
  readonly kind: KeyKind;
  readonly raw: unknown;
}

/** A matching Ed25519 pair, as produced by an adapter's key generation. */
export interface KeyPair {
  readonly privateKey: KeyHandle;
  readonly publicKey: KeyHandle;
}

export interface CryptoPort {
  /**
   * Ed25519 signature of `message`. Must be deterministic (RFC 8032 signatures are): the same key
   * and message give the same bytes, which keeps seeded runs byte-identical and lets an issuer check
   * a credential it issued by signing it again.
   */
  sign(privateKey: KeyHandle, message: Uint8Array): Uint8Array;
  /** True only for a valid Ed25519 signature; malformed input is `false`, never an exception. */
  verify(publicKey: KeyHandle, message: Uint8Array, signature: Uint8Array): boolean;
  /** HMAC-SHA256 (32 bytes): keyed hashing for rotating identifiers. */
  hmac(secret: Uint8Array, message: Uint8Array): Uint8Array;
}
