import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNodeCrypto } from '../../adapters/sim/node-crypto.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

describe('node-crypto adapter', () => {
  const crypto = createNodeCrypto();

  it('derives RFC 8032 test vector 1 from its seed and signs deterministically', () => {
    const pair = crypto.generateKeyPair(
      fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'),
    );
    expect(hex(crypto.publicKeyBytes(pair.publicKey))).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    const signature = crypto.sign(pair.privateKey, new Uint8Array());
    expect(hex(signature)).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(crypto.verify(pair.publicKey, new Uint8Array(), signature)).toBe(true);
  });

  it('computes HMAC-SHA256 (RFC 4231 case 2)', () => {
    const mac = crypto.hmac(
      new TextEncoder().encode('Jefe'),
      new TextEncoder().encode('what do ya want for nothing?'),
    );
    expect(hex(mac)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('same seed gives the same key pair, different seeds differ (seed 8080)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (a, b) => {
          const pa1 = crypto.publicKeyBytes(crypto.generateKeyPair(a).publicKey);
          const pa2 = crypto.publicKeyBytes(crypto.generateKeyPair(a).publicKey);
          const pb = crypto.publicKeyBytes(crypto.generateKeyPair(b).publicKey);
          expect(pa1).toEqual(pa2);
          expect(hex(pa1) === hex(pb)).toBe(hex(a) === hex(b));
        },
      ),
      { seed: 8080, numRuns: 100 },
    );
  });

  it('round-trips raw public keys and verifies with the rebuilt handle', () => {
    const pair = crypto.generateKeyPair(new Uint8Array(32).fill(7));
    const rebuilt = crypto.publicKeyFromBytes(crypto.publicKeyBytes(pair.publicKey));
    const message = Uint8Array.of(1, 2, 3);
    expect(crypto.verify(rebuilt, message, crypto.sign(pair.privateKey, message))).toBe(true);
  });

  it('verifies malformed signatures as false and refuses wrong key kinds', () => {
    const pair = crypto.generateKeyPair(new Uint8Array(32).fill(9));
    const message = Uint8Array.of(4, 5);
    expect(crypto.verify(pair.publicKey, message, new Uint8Array(3))).toBe(false);
    expect(crypto.verify(pair.publicKey, message, new Uint8Array(64))).toBe(false);
    expect(() => crypto.sign(pair.publicKey, message)).toThrow(TypeError);
    expect(() => crypto.verify(pair.privateKey, message, new Uint8Array(64))).toThrow(TypeError);
    expect(() => crypto.sign({ kind: 'ed25519-private', raw: 'not a key' }, message)).toThrow(TypeError);
    expect(() => crypto.generateKeyPair(new Uint8Array(31))).toThrow(RangeError);
  });

  it('returns plain Uint8Arrays', () => {
    const mac = crypto.hmac(Uint8Array.of(1), Uint8Array.of(2));
    expect(Object.getPrototypeOf(mac)).toBe(Uint8Array.prototype);
    expect(hex(mac)).toBe(createHmac('sha256', Uint8Array.of(1)).update(Uint8Array.of(2)).digest('hex'));
  });
});
