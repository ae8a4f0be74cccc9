/**
 * xstate/graph coverage plan of the rental: placements, upgrades, ends from the renter and from
 * someone else (also at the very end of the window), revocation answers and repeats.
 * rental.test.ts checks its properties on the same paths.
 */
import type { SnapshotFrom } from 'xstate';
import { type RentalEvent, type RentalInput, rentalMachine } from '../../machines/rental.ts';
import { crypto, issuer } from '../domain/crypto-fixture.ts';
import { plan } from '../protocol/coverage-plan.ts';
import type { ScenarioOf } from './transition-coverage.ts';

type Machine = typeof rentalMachine;
type Snap = SnapshotFrom<Machine>;

export const INPUT: RentalInput = {
  rentalId: 'R1',
  request: { requestId: 'U2-R1', renterId: 'U2', vehicleId: 'V9', minutes: 1 },
  terms: { pricePerMinuteCents: 30, closeAfterMs: 20, revokeRetryMs: 15 },
  keys: { crypto, privateKey: issuer.privateKey },
};

export const placed = (ok: boolean): RentalEvent => ({
  type: 'placement.checked',
  orderId: 'R1',
  at: 0,
  placement: {
    vehicleId: 'V9',
    ok,
    reason: ok ? 'ok' : 'not_parked',
    position: null,
    parkingSpaceId: 'P1',
    epoch: 0,
  },
});

const events: RentalEvent[] = [
  placed(true),
  placed(false),
  { type: 'rental.upgrade', rentalId: 'R1', renterId: 'U2', licence: 'MC123456', at: 1_000 },
  { type: 'rental.upgrade', rentalId: 'R1', renterId: 'U2', licence: 'none', at: 1_000 },
  { type: 'rental.end', rentalId: 'R1', renterId: 'U2', at: 30_000 },
  { type: 'rental.end', rentalId: 'R1', renterId: 'U7', at: 30_000 },
  // ended at the very end of the window: the next retry finds the keys expired in the car anyway
  { type: 'rental.end', rentalId: 'R1', renterId: 'U2', at: 59_990 },
  { type: 'vehicle.revoked', vehicleId: 'V9', keyId: 'R1:K1' },
  { type: 'vehicle.revoked', vehicleId: 'V9', keyId: 'R1:K2' },
  { type: 'order.repeat', orderId: 'R1' },
];

const key = (s: Snap) =>
  JSON.stringify([s.value, s.context.issued, s.context.pending, s.context.now >= 59_990]);

export const scenarios: ScenarioOf<Machine>[] = [{ name: 'rental', input: INPUT, events: () => events, key }];

export const coveragePlans = [plan({ machine: rentalMachine, scenarios })];
