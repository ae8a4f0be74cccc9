import type { DispatchInput } from '../../machines/dispatch.ts';
import type { FlowsInput } from '../../machines/dispatch-flows.ts';
import { dispatchPolicy } from '../../machines/dispatch-policy.ts';
import { DEFAULT_ERRAND_FEES } from '../../machines/errand-fees.ts';
import { UserError } from '../cli/user-error.ts';
import type { Scenario } from '../scenario/schema.ts';

const MINUTE = 60_000;
/**
 * Order shards of the server's dispatch. A server's open orders grow with the offered rate, not with
 * a scenario (1 000 orders/s offered leaves thousands open), and XState copies a shard's children
 * record on every order opened or ended: 256 shards keep those copies short under load.
 */
const SERVER_ORDER_SHARDS = 256;

/**
 * The dispatch machine's input from a scenario's `dispatch.errand` block (fees, timings, pull
 * limit), the same values the simulated world gives it, so a server and a simulation of the same
 * scenario price and time orders alike. The server's spatial port implements the push-pull policy
 * (offers pushed to idle professionals, pulls by ordinary couriers): the one that works over the
 * wire with couriers who decide for themselves.
 */
export function dispatchInputOf(scenario: Scenario, flows?: FlowsInput): DispatchInput {
  if (scenario.dispatch.policy !== 'push-pull')
    throw new UserError(
      `dispatch.policy: the dispatch server serves "push-pull" (offers and pulls over the wire), got "${scenario.dispatch.policy}"`,
    );
  const e = scenario.dispatch.errand;
  return {
    policy: dispatchPolicy('push-pull'),
    fees: e.fees ?? DEFAULT_ERRAND_FEES,
    pullLimit: e.pullLimit,
    orderShards: SERVER_ORDER_SHARDS,
    ...(flows ? { flows } : {}),
    timing: errandTimingOf(scenario),
  };
}

/** Dispatch's errand timings (radius, repush, time limits) in the units the machine reads (m, ms). */
export function errandTimingOf(scenario: Scenario): DispatchInput['timing'] {
  const e = scenario.dispatch.errand;
  return {
    pushRadius: e.pushRadiusM,
    repushMs: e.repushSeconds * 1000,
    maxOpenMs: e.maxOpenMinutes * MINUTE,
    autoConfirmMs: e.autoConfirmMinutes * MINUTE,
    disputeResolutionMs: e.disputeResolutionMinutes * MINUTE,
  };
}
