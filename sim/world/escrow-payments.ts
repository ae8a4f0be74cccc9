import { createSimPayments, type PaymentTotals, type SimPayments } from '../../adapters/sim/sim-payments.ts';
import type { PaymentInstruction, PaymentsPort } from '../../machines/payments-port.ts';

/** What dispatch's books say moved, to compare with what the processor actually moved. */
export interface BookTotals {
  /** Escrow: every cent ever held, paid out (couriers, stores), commission and refunded. */
  readonly held: number;
  readonly paidOut: number;
  readonly commission: number;
  readonly refunded: number;
  /** One-shot charges (carts, preorders, rentals). */
  readonly charged: number;
}

/**
 * Executes dispatch's payment instructions against the payments port (the sim processor by
 * default) and checks that the money the processor moved is exactly what the books say.
 *
 * Why a bridge: dispatch speaks in orders (hold for E12, settle E12), the port in holds (capture
 * 7 cents of hold-3). The bridge keeps the order → hold id map and derives one idempotency key per
 * movement from the instruction's key, so a repeated instruction (a retried or duplicated message)
 * moves money once and a different call under the same key is caught as a conflict.
 */
export class EscrowPayments {
  private readonly holdIds = new Map<string, string>();
  private readonly refusals: string[] = [];
  readonly port: SimPayments;

  constructor(port?: SimPayments) {
    this.port = port ?? createSimPayments();
  }

  execute(instruction: PaymentInstruction): void {
    const p: PaymentsPort = this.port;
    const key = instruction.idempotencyKey;
    switch (instruction.kind) {
      case 'hold': {
        const r = p.hold(key, instruction.payer, instruction.amount);
        if (r.ok) this.holdIds.set(instruction.orderId, r.holdId);
        else this.refuse(key, r.reason);
        return;
      }
      case 'charge': {
        const r = p.charge(key, instruction.payer, instruction.amount);
        if (!r.ok) this.refuse(key, r.reason);
        return;
      }
      case 'settle': {
        const holdId = this.holdIds.get(instruction.orderId);
        if (holdId === undefined) {
          this.refuse(key, 'no hold for the order');
          return;
        }
        const moves: [string, number, 'capture' | 'refund'][] = [
          ['payout', instruction.payout, 'capture'],
          ['commission', instruction.commission, 'capture'],
          ['refund', instruction.refund, 'refund'],
        ];
        let remaining: number | null = null;
        for (const [part, amount, how] of moves) {
          if (amount <= 0) continue;
          const r =
            how === 'capture'
              ? p.capture(`${key}:${part}`, holdId, amount)
              : p.refund(`${key}:${part}`, holdId, amount);
          if (r.ok) remaining = r.remainingCents;
          else this.refuse(`${key}:${part}`, r.reason);
        }
        if (remaining === 0) this.holdIds.delete(instruction.orderId);
        return;
      }
    }
  }

  totals(): PaymentTotals {
    return this.port.totals();
  }

  /**
   * Every way the processor disagrees with the books (empty when money is conserved on both sides):
   * holds placed = held in escrow, captured = paid out + commission, refunded = refunded, charged =
   * charged, and the processor's own identity holds placed = still held + captured + refunded.
   */
  violations(books: BookTotals): string[] {
    const t = this.port.totals();
    const out = this.refusals.map((r) => `payments: ${r}`);
    const check = (what: string, processor: number, book: number) => {
      if (processor !== book) out.push(`payments: processor ${what} ${processor} ≠ books ${book}`);
    };
    check('holds placed', t.holdsPlaced, books.held);
    check('captured', t.captured, books.paidOut + books.commission);
    check('refunded', t.refunded, books.refunded);
    check('charged', t.charged, books.charged);
    if (t.holdsPlaced !== t.held + t.captured + t.refunded)
      out.push(
        `payments: holds ${t.holdsPlaced} ≠ held ${t.held} + captured ${t.captured} + refunded ${t.refunded}`,
      );
    return out;
  }

  private refuse(key: string, reason: string): void {
    this.refusals.push(`${key} refused: ${reason}`);
  }
}
