import type { CryptoPort, KeyHandle } from '../../machines/crypto-port.ts';
import { canonicalKeyBytes, type DigitalKey } from '../../machines/digital-key.ts';

/**
 * The gateway's check of a presented digital key, before it is relayed to the car: dispatch must
 * have signed it, for this car and this action (the holder is checked as an identity field: a key
 * names its holder, and only that principal may present it). So a courier cannot open a trunk it
 * holds no key for, and a forged or borrowed key never even reaches the car. The car still checks
 * everything itself (window, use count, revocation), as it would offline.
 */
export function presentedKeyCheck(crypto: CryptoPort, issuer: KeyHandle) {
  return (type: string, body: Record<string, unknown>): string | undefined => {
    if (type !== 'vehicle.key') return undefined;
    const key = body.key as DigitalKey;
    if (!crypto.verify(issuer, canonicalKeyBytes(key), key.signature))
      return 'key: not signed by this dispatch';
    if (key.vehicleId !== body.vehicleId)
      return `key: issued for ${key.vehicleId}, presented to ${String(body.vehicleId)}`;
    if (!(key.entitlements as readonly string[]).includes(String(body.action)))
      return `key: does not entitle ${String(body.action)}`;
    return undefined;
  };
}
