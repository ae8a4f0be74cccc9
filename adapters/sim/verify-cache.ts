import type { CryptoPort, KeyHandle } from '../../machines/crypto-port.ts';

interface Verified {
  readonly publicKey: KeyHandle;
  readonly message: Uint8Array;
  readonly ok: boolean;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A crypto port that remembers signature checks. In the sim a car is shown the same key object on
 * every use (an owner opens the car each trip), and Ed25519 verification is by far the dearest step
 * of a key check; remembering the answer per signature object — together with the exact message
 * bytes and public key it was checked against — gives the same answers as verifying every time, so
 * a tampered key (new fields, same signature bytes) is still verified afresh and refused.
 */
export function withVerifyCache(inner: CryptoPort): CryptoPort {
  const seen = new WeakMap<Uint8Array, Verified>();
  return {
    sign: (privateKey, message) => inner.sign(privateKey, message),
    hmac: (secret, message) => inner.hmac(secret, message),
    verify(publicKey, message, signature) {
      const hit = seen.get(signature);
      if (hit && hit.publicKey === publicKey && sameBytes(hit.message, message)) return hit.ok;
      const ok = inner.verify(publicKey, message, signature);
      seen.set(signature, { publicKey, message: message.slice(), ok });
      return ok;
    },
  };
}
