import { ORDER_SHARDS } from '../../machines/order-shard.ts';
import type { Scenario } from '../scenario/schema.ts';

/** The demand of the default Monaco day, which `ORDER_SHARDS` shards serve. */
const REQUESTS_PER_SHARD_SET = 21_500;

/**
 * How many shards a world's dispatch spreads its open orders over: `ORDER_SHARDS` per Monaco day
 * of demand. Open orders grow with demand, and XState copies a shard's whole children record on
 * every order opened or ended; at a fifth of generated-xl's size 16 shards made those copies 10 %
 * of the run. Monaco-sized scenarios keep 16, so their event logs do not change.
 */
export function orderShardsFor(scenario: Scenario): number {
  let requests = 0;
  for (const flow of Object.values(scenario.demand)) requests += flow?.perDay ?? 0;
  return ORDER_SHARDS * Math.max(1, Math.round(requests / REQUESTS_PER_SHARD_SET));
}
