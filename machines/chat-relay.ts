import { emptyMap, mapDelete, mapGet, mapSet, type PersistentMap } from './persistent-map.ts';

/**
 * Masked phone numbers for the chat relay. Each party of an order gets a virtual number valid only
 * while the order is active; the relay maps a number back to the real party, and once the order
 * ends the numbers stop working, so neither side can reach the other afterwards.
 */
export interface MaskedLine {
  readonly orderId: string;
  /** Who owns this masked number (receives messages sent to it). */
  readonly owner: string;
  /** The other party: the only one allowed to send to this number. */
  readonly peer: string;
}

export interface ChatRelay {
  /** Masked number → its line (persistent maps: opening and closing lines stays cheap all day). */
  readonly lines: PersistentMap<MaskedLine>;
  readonly byOrder: PersistentMap<readonly [string, string]>;
}

export const EMPTY_RELAY: ChatRelay = { lines: emptyMap(), byOrder: emptyMap() };

/**
 * The pair of masked numbers of the order with sequence number `orderSeq`. Derived from the
 * sequence, so the order's own machine can tell both parties their numbers without asking.
 */
export function maskedNumbersFor(orderSeq: number): { publisherMasked: string; courierMasked: string } {
  const n = orderSeq * 2;
  return {
    publisherMasked: `+377-900-${String(n).padStart(7, '0')}`,
    courierMasked: `+377-900-${String(n + 1).padStart(7, '0')}`,
  };
}

/** Opens the two masked numbers of an order: one the publisher answers on, one the courier does. */
export function openLines(
  relay: ChatRelay,
  orderId: string,
  parties: { publisher: string; courier: string; publisherMasked: string; courierMasked: string },
): ChatRelay {
  const { publisher, courier, publisherMasked, courierMasked } = parties;
  const lines = mapSet(relay.lines, publisherMasked, { orderId, owner: publisher, peer: courier });
  return {
    lines: mapSet(lines, courierMasked, { orderId, owner: courier, peer: publisher }),
    byOrder: mapSet(relay.byOrder, orderId, [publisherMasked, courierMasked] as const),
  };
}

/** Closes an order's numbers; messages to them are refused from now on. */
export function closeLines(relay: ChatRelay, orderId: string): ChatRelay {
  const numbers = mapGet(relay.byOrder, orderId);
  if (!numbers) return relay;
  let lines = relay.lines;
  for (const n of numbers) lines = mapDelete(lines, n);
  return { lines, byOrder: mapDelete(relay.byOrder, orderId) };
}

export type RouteResult =
  | { ok: true; to: string; orderId: string; fromMasked: string }
  | { ok: false; reason: 'number_expired' | 'not_a_party' };

/** Where a message from `fromId` to `toMasked` goes, and under which masked number it appears. */
export function routeChat(relay: ChatRelay, fromId: string, toMasked: string): RouteResult {
  const line = mapGet(relay.lines, toMasked);
  if (!line) return { ok: false, reason: 'number_expired' };
  if (line.peer !== fromId) return { ok: false, reason: 'not_a_party' };
  const pair = mapGet(relay.byOrder, line.orderId) as readonly [string, string];
  const fromMasked = pair[0] === toMasked ? pair[1] : pair[0];
  return { ok: true, to: line.owner, orderId: line.orderId, fromMasked };
}
