import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import type { CryptoPort, KeyHandle, KeyKind, KeyPair } from '../../machines/crypto-port.ts';

/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SPKI DER header of an Ed25519 public key; the 32 raw key bytes follow it. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The node:crypto port plus the key management only the sim world (never a machine) needs. */
export interface NodeCrypto extends CryptoPort {
  /**
   * Derives an Ed25519 pair from a 32-byte seed, so a seeded simulation gets the same issuer and
   * vehicle keys on every run (the seed comes from the scenario's random stream).
   */
  generateKeyPair(seedBytes: Uint8Array): KeyPair;
  /** Raw 32-byte public key, for telemetry, scenarios and wire messages. */
  publicKeyBytes(publicKey: KeyHandle): Uint8Array;
  /** Rebuilds a public key handle from its raw 32 bytes (the inverse of `publicKeyBytes`). */
  publicKeyFromBytes(raw: Uint8Array): KeyHandle;
}

function keyObjectOf(handle: KeyHandle, kind: KeyKind): KeyObject {
  if (handle.kind !== kind || !(handle.raw instanceof KeyObject)) {
    throw new TypeError(
      `node-crypto: expected a ${kind} key handle made by this adapter, got ${handle.kind}`,
    );
  }
  return handle.raw;
}

function requireLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) {
    throw new RangeError(`node-crypto: ${what} must be ${length} bytes, got ${bytes.length}`);
  }
}

/** Copies into a plain Uint8Array so results compare and serialise like any other bytes. */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/**
 * The sim's crypto port over node:crypto: Ed25519 signatures and HMAC-SHA256, synchronous.
 * Wrong-kind handles throw (a wiring bug); a bad signature of any length verifies as `false`.
 */
export function createNodeCrypto(): NodeCrypto {
  return {
    sign(privateKey, message) {
      return plain(nodeSign(null, message, keyObjectOf(privateKey, 'ed25519-private')));
    },
    verify(publicKey, message, signature) {
      const key = keyObjectOf(publicKey, 'ed25519-public');
      try {
        return nodeVerify(null, message, key, signature);
      } catch {
        return false;
      }
    },
    hmac(secret, message) {
      return plain(createHmac('sha256', secret).update(message).digest());
    },
    generateKeyPair(seedBytes) {
      requireLength(seedBytes, 32, 'seed');
      const privateObject = createPrivateKey({
        key: Buffer.concat([PKCS8_ED25519_PREFIX, seedBytes]),
        format: 'der',
        type: 'pkcs8',
      });
      return {
        privateKey: { kind: 'ed25519-private', raw: privateObject },
        publicKey: { kind: 'ed25519-public', raw: createPublicKey(privateObject) },
      };
    },
    publicKeyBytes(publicKey) {
      const der = keyObjectOf(publicKey, 'ed25519-public').export({ format: 'der', type: 'spki' });
      return plain(der.subarray(SPKI_ED25519_PREFIX.length));
    },
    publicKeyFromBytes(raw) {
      requireLength(raw, 32, 'public key');
      const key = createPublicKey({
        key: Buffer.concat([SPKI_ED25519_PREFIX, raw]),
        format: 'der',
        type: 'spki',
      });
      return { kind: 'ed25519-public', raw: key };
    },
  };
}
