/**
 * Deliberately broken variants of the machines, for the mutation check: each one breaks one rule
 * the protocol depends on, only here in the tests — a `.provide()` with a wrong guard or delay, or a
 * config rebuilt with one transition changed (`createMachine(config, implementations)` keeps every
 * implementation, the bench's effects included). The harness must find each with its defaults.
 */
import { type AnyStateMachine, createMachine, enqueueActions } from 'xstate';
import { resolveSighting } from '../../machines/beacon-desk.ts';
import { emptyReplayCache } from '../../machines/ephemeral-id.ts';
import type { FaultKind } from '../../sim/check/fault-commands.ts';
import type { FlowName } from '../../sim/check/party-commands.ts';
import type { Mutant } from '../../sim/check/protocol-bench.ts';

type Config = { states: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** The same machine with `edit` applied to a copy of its config's states. */
function rebuilt(machine: AnyStateMachine, edit: (states: Config['states']) => void): AnyStateMachine {
  const config = machine.config as unknown as Config;
  const states = Object.fromEntries(Object.entries(config.states).map(([k, v]) => [k, { ...v }]));
  edit(states);
  return createMachine({ ...config, states } as never, machine.implementations as never);
}

export interface MutantCase {
  readonly mutant: Mutant;
  /** The invariant whose violation proves the harness caught this mutant (a violation prefix). */
  readonly rule: string;
  /** The flows and faults it is hunted with: a configuration the unbroken machines pass. */
  readonly flows: readonly FlowName[];
  readonly faults?: readonly FaultKind[];
}

export const MUTANTS: readonly MutantCase[] = [
  {
    mutant: {
      name: 'key-after-revocation',
      description: 'the car ignores its revocation list when it checks a presented key',
      patch: {
        vehicle: (m) =>
          m.provide({
            guards: {
              keyRefused: ({ context, event }: { context: never; event: never }) => {
                const original = m.implementations.guards.keyRefused as (args: unknown) => boolean;
                const ctx = context as { keys: { revokedKeyIds: readonly string[] } };
                const forgetful = { ...ctx, keys: { ...ctx.keys, revokedKeyIds: [] } };
                return original({ context: forgetful, event });
              },
            },
          } as never),
      },
    },
    rule: 'keys',
    flows: ['rental'],
  },
  {
    mutant: {
      name: 'escrow-released-twice',
      description: 'a confirmed errand settles its escrow on the confirm and again when it completes',
      patch: {
        errandOrder: (m) =>
          rebuilt(m, (states) => {
            const delivered = states.delivered as { on: Record<string, Record<string, unknown>> };
            const settle = (states.completed!.entry as unknown[])[0];
            delivered.on = {
              ...delivered.on,
              'errand.confirm': { ...delivered.on['errand.confirm'], actions: [settle] },
            };
          }),
      },
    },
    rule: 'money',
    flows: ['errand'],
    faults: ['network', 'crash', 'devices', 'attacks'],
  },
  {
    mutant: {
      name: 'two-accepts-win',
      description: 'an accept that arrives after the order was assigned wins it too',
      patch: {
        errandOrder: (m) =>
          rebuilt(m, (states) => {
            const win = (states.open!.on as Record<string, unknown>)['errand.accept'];
            states.assigned = {
              ...states.assigned,
              on: { ...(states.assigned!.on as object), 'errand.accept': win },
            };
          }),
      },
    },
    rule: 'single assignment',
    flows: ['errand'],
    faults: ['network', 'crash', 'devices', 'attacks'],
  },
  {
    mutant: {
      name: 'relock-skipped',
      description: 'doors a key unlocked never lock again by themselves',
      patch: { vehicle: (m) => m.provide({ delays: { autoRelock: 1e12 } } as never) },
    },
    rule: 'no car left unlocked',
    flows: ['rental'],
  },
  {
    mutant: {
      name: 'replayed-beacon-accepted',
      description: "dispatch's beacon desk forgets which advertisements it has already accepted",
      patch: {
        beaconDesk: (m) => {
          const config = m.config as unknown as { on: Record<string, unknown> };
          const forgetful = enqueueActions(({ context, event, enqueue, system }) => {
            const e = event as unknown as { storeId: string; eid: string; heardAt: number };
            const ctx = context as Parameters<typeof resolveSighting>[0];
            const s = resolveSighting({ ...ctx, seen: emptyReplayCache() }, e);
            if (!s.ok) return;
            const order = system.get(s.orderId);
            if (order)
              enqueue.sendTo(order, {
                type: 'preorder.arrived',
                orderId: s.orderId,
                storeId: e.storeId,
              } as never);
            enqueue({
              type: 'count',
              params: { flow: 'preorder', counter: 'resolvedAdvertisements' },
            } as never);
          });
          const on = { ...config.on, 'scanner.report': { actions: forgetful } };
          return createMachine({ ...(m.config as object), on } as never, m.implementations as never);
        },
      },
    },
    rule: 'beacon',
    flows: ['preorder'],
  },
  {
    mutant: {
      name: 'put-back-not-taken',
      description: 'the robot takes back an item the user never took out of it',
      patch: { robot: (m) => m.provide({ guards: { tookIt: () => true } } as never) },
    },
    rule: 'stock',
    flows: ['robot'],
    faults: ['crash', 'silence', 'devices'],
  },
  {
    mutant: {
      name: 'preorder-handed-twice',
      description: 'the store hands a preorder to the car on every request, not once',
      patch: {
        store: (m) =>
          m.provide({ guards: { alreadyHandedOver: () => false, preorderHere: () => true } } as never),
      },
    },
    rule: 'preorder handed over once',
    flows: ['preorder'],
  },
];
