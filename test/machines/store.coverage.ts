/**
 * xstate/graph coverage plan of the store: collections while open and closed, and the other flows
 * at the store (returns, preorders, the curb scanner). The plan explores the provided copy `store`
 * (its transition keys are those of storeMachine, so what it reaches merges by machine id).
 * store.test.ts checks its properties on the same paths.
 */
import type { SnapshotFrom } from 'xstate';
import { mapKeys } from '../../machines/persistent-map.ts';
import { type StoreEvent, type StoreInput, storeMachine } from '../../machines/store.ts';
import { plan } from '../protocol/coverage-plan.ts';
import { COURIER, OTHER_COURIER } from './fixtures.ts';
import type { ScenarioOf } from './transition-coverage.ts';

export const PREPARATION_MS = 15;
/** The world provides the preparation time; a short one keeps the clock tests small. */
export const store = storeMachine.provide({ delays: { preparation: PREPARATION_MS } });
export type StoreMachine = typeof store;
type Snap = SnapshotFrom<StoreMachine>;

export const input = (openAtStart: boolean): StoreInput => ({
  id: 's1',
  position: { x: 0, y: 0 },
  openAtStart,
});

const events: StoreEvent[] = [
  { type: 'store.collect', orderId: 'E1', courierId: COURIER },
  { type: 'store.collect', orderId: 'E2', courierId: OTHER_COURIER },
  { type: 'preparation.done', orderId: 'E1' },
  { type: 'preparation.done', orderId: 'E2' },
  { type: 'store.open' },
  { type: 'store.close' },
];

/** The other flows at the store: goods coming back, preorders, the curb scanner. */
const flowEvents: StoreEvent[] = [
  { type: 'store.open' },
  { type: 'store.close' },
  { type: 'store.return', orderId: 'T1', courierId: COURIER },
  { type: 'store.preorder', orderId: 'P1', items: [{ productId: 'p1', qty: 1 }] },
  { type: 'store.preorderCancelled', orderId: 'P1' },
  { type: 'store.handoverPreorder', orderId: 'P1', beaconId: 'B1' },
  { type: 'scanner.heard', eid: 'e1', rssi: -60, heardAt: 1_000 },
];

const key = (s: Snap) =>
  JSON.stringify([
    s.value,
    Object.keys(s.context.preparing).sort(),
    Object.keys(s.context.waitingForOpening).sort(),
    mapKeys(s.context.handedOverIds),
    mapKeys(s.context.preorders),
    s.context.recentEids,
    s.context.returned > 0,
  ]);

export const scenarios: ScenarioOf<StoreMachine>[] = [
  { name: 'open at start', input: input(true), events: () => events, key },
  { name: 'closed at start', input: input(false), events: () => events, key },
  { name: 'preorders and scanner', input: input(true), events: () => flowEvents, key },
];

export const coveragePlans = [plan({ machine: store, scenarios })];
