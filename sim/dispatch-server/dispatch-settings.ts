import type { DispatchInput } from '../../machines/dispatch.ts';
import { DEFAULT_ERRAND_FEES } from '../../machines/errand-fees.ts';
import type { Scenario } from '../scenario/schema.ts';

const MINUTE = 60_000;

/**
 * The dispatch machine's input from a scenario's `dispatch.errand` block (fees, timings, pull
 * limit), the same values the simulated world gives it, so a server and a simulation of the same
 * scenario price and time orders alike.
 */
export function dispatchInputOf(scenario: Scenario): DispatchInput {
  const e = scenario.dispatch.errand;
  return {
    fees: e.fees ?? DEFAULT_ERRAND_FEES,
    pullLimit: e.pullLimit,
    timing: {
      pushRadius: e.pushRadiusM,
      repushMs: e.repushSeconds * 1000,
      maxOpenMs: e.maxOpenMinutes * MINUTE,
      autoConfirmMs: e.autoConfirmMinutes * MINUTE,
      disputeResolutionMs: e.disputeResolutionMinutes * MINUTE,
    },
  };
}
