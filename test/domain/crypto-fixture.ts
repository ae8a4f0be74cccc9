import { createNodeCrypto } from '../../adapters/sim/node-crypto.ts';

/** One node:crypto port shared by the domain tests (stateless, so sharing is safe). */
export const crypto = createNodeCrypto();

/** A 32-byte seed filled with `byte`, for deterministic test keys. */
export function seed(byte: number): Uint8Array {
  return new Uint8Array(32).fill(byte);
}

export const issuer = crypto.generateKeyPair(seed(1));
export const otherIssuer = crypto.generateKeyPair(seed(2));
