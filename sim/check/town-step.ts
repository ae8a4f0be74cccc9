import type fc from 'fast-check';
import type { ProtocolBench } from './protocol-bench.ts';

/** What the commands remember across a run; the invariants read the real town, not this. */
export interface CheckModel {
  crashes: number;
}

/** A step broke an invariant: the message lists every violation the oracles found. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
  constructor(readonly violations: readonly string[]) {
    super(violations.join('\n'));
  }
}

/** Gaps between steps (ms): back to back, a moment, a little while, minutes. */
export const GAPS = [0, 400, 5_000, 30_000, 120_000] as const;

/**
 * One command of a check run: something a party, a device, the network or an attacker does, then
 * `gap` ms of the town running on, then every invariant checked. `label` is how the shrunk path
 * prints it, so it names the actors and values in play.
 */
export class TownStep implements fc.Command<CheckModel, ProtocolBench> {
  constructor(
    private readonly label: string,
    private readonly act: (bench: ProtocolBench, model: CheckModel) => void,
    private readonly gap: number,
    private readonly applies: (model: CheckModel) => boolean = () => true,
  ) {}

  check(model: Readonly<CheckModel>): boolean {
    return this.applies(model);
  }

  run(model: CheckModel, bench: ProtocolBench): void {
    this.act(bench, model);
    bench.advance(this.gap);
    if (bench.check()) throw new InvariantViolation(bench.invariants.violations);
  }

  toString(): string {
    return this.gap > 0 ? `${this.label} +${this.gap / 1000}s` : this.label;
  }
}
