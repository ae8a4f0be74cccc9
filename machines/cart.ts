/**
 * Carts (flow 2): dispatch keeps one cart per user, fed by the robots' item sensors (taken out,
 * put back), read from any terminal, and settled once when the user pays.
 *
 * Plain data, pure functions: every operation returns a new book. Quantities are whole items.
 */

export type UserId = string;
export type ProductId = string;

export interface CartLine {
  readonly productId: ProductId;
  readonly qty: number;
}

/** What one payment bought, kept so stock stays accountable after the cart empties. */
export interface Settlement {
  readonly userId: UserId;
  readonly lines: readonly CartLine[];
}

export interface CartBook {
  /** Open carts; a user or product with nothing in it has no entry. */
  readonly carts: Readonly<Record<UserId, Readonly<Record<ProductId, number>>>>;
  /** Settlements by payment id. */
  readonly paid: Readonly<Record<string, Settlement>>;
}

export function emptyCartBook(): CartBook {
  return { carts: {}, paid: {} };
}

function withCart(book: CartBook, userId: UserId, cart: Readonly<Record<ProductId, number>>): CartBook {
  const { [userId]: _old, ...others } = book.carts;
  return { ...book, carts: Object.keys(cart).length === 0 ? others : { ...others, [userId]: cart } };
}

/** A robot sensed `userId` taking one `productId` out: it goes into their cart. */
export function take(book: CartBook, userId: UserId, productId: ProductId): CartBook {
  const cart = book.carts[userId] ?? {};
  return withCart(book, userId, { ...cart, [productId]: (cart[productId] ?? 0) + 1 });
}

/**
 * A robot sensed `userId` putting one `productId` back. Refused when the cart holds none, so a
 * duplicated or misattributed sensor report can never create stock out of nothing.
 */
export function putBack(
  book: CartBook,
  userId: UserId,
  productId: ProductId,
): { readonly ok: true; readonly book: CartBook } | { readonly ok: false; readonly reason: 'not_in_cart' } {
  const cart = book.carts[userId] ?? {};
  const qty = cart[productId] ?? 0;
  if (qty <= 0) return { ok: false, reason: 'not_in_cart' };
  const { [productId]: _removed, ...rest } = cart;
  return { ok: true, book: withCart(book, userId, qty === 1 ? rest : { ...rest, [productId]: qty - 1 }) };
}

/** The user's cart as a list sorted by product id, so every terminal shows the same order. */
export function cartOf(book: CartBook, userId: UserId): CartLine[] {
  const cart = book.carts[userId] ?? {};
  return Object.keys(cart)
    .sort()
    .map((productId) => ({ productId, qty: cart[productId]! }));
}

export type PriceRefusal = {
  readonly ok: false;
  readonly reason: 'unknown_price';
  readonly productId: ProductId;
};

/** What a cart costs in integer cents; a product without a price refuses rather than being free. */
export function cartTotalCents(
  lines: readonly CartLine[],
  priceCents: Readonly<Record<ProductId, number>>,
): { readonly ok: true; readonly totalCents: number } | PriceRefusal {
  let totalCents = 0;
  for (const { productId, qty } of lines) {
    const price = priceCents[productId];
    if (price === undefined) return { ok: false, reason: 'unknown_price', productId };
    totalCents += price * qty;
  }
  return { ok: true, totalCents };
}

export type SettleRefusal = 'empty_cart' | 'already_settled' | 'cart_changed';

/**
 * Moves the user's whole cart to sold under `paymentId`, after the payment succeeded (charge with
 * `paymentId` as the idempotency key, then settle). A payment id settles once (`already_settled`
 * for a duplicate). Pass the lines that were charged as `charged` to refuse settling a cart that
 * changed in between (`cart_changed`): the charged amount must match what leaves the cart.
 */
export function settle(
  book: CartBook,
  userId: UserId,
  paymentId: string,
  charged?: readonly CartLine[],
):
  | { readonly ok: true; readonly book: CartBook; readonly lines: readonly CartLine[] }
  | { readonly ok: false; readonly reason: SettleRefusal } {
  if (Object.hasOwn(book.paid, paymentId)) return { ok: false, reason: 'already_settled' };
  const lines = cartOf(book, userId);
  if (lines.length === 0) return { ok: false, reason: 'empty_cart' };
  if (charged !== undefined && !sameLines(lines, charged)) return { ok: false, reason: 'cart_changed' };
  const { [userId]: _settled, ...carts } = book.carts;
  return { ok: true, book: { carts, paid: { ...book.paid, [paymentId]: { userId, lines } } }, lines };
}

function sameLines(a: readonly CartLine[], b: readonly CartLine[]): boolean {
  const sorted = [...b].sort((x, y) => (x.productId < y.productId ? -1 : x.productId > y.productId ? 1 : 0));
  return (
    a.length === sorted.length &&
    a.every((l, i) => l.productId === sorted[i]!.productId && l.qty === sorted[i]!.qty)
  );
}

// ---------------------------------------------------------------------------------------------
// Stock conservation: robot stock + Σ carts + sold = loaded, per product

export type StockCount = Readonly<Record<ProductId, number>>;

/** Adds up per-robot (or per-load) counts, since conservation holds over the whole fleet. */
export function sumStock(counts: readonly StockCount[]): Record<ProductId, number> {
  const total = new Map<ProductId, number>();
  for (const count of counts) {
    for (const [productId, qty] of Object.entries(count))
      total.set(productId, (total.get(productId) ?? 0) + qty);
  }
  return Object.fromEntries(total);
}

/** Items in open carts, per product. */
export function inCarts(book: CartBook): Record<ProductId, number> {
  return sumStock(Object.values(book.carts));
}

/** Items paid for, per product. */
export function sold(book: CartBook): Record<ProductId, number> {
  return sumStock(Object.values(book.paid).flatMap((s) => s.lines.map((l) => ({ [l.productId]: l.qty }))));
}

export interface StockViolation {
  readonly productId: ProductId;
  /** `negative`: some count went below zero; `not_conserved`: the sum differs from what was loaded. */
  readonly kind: 'negative' | 'not_conserved';
  readonly loaded: number;
  readonly robotStock: number;
  readonly inCarts: number;
  readonly sold: number;
}

/**
 * Checks robot stock + Σ carts + sold = loaded for every product any side mentions, and that no
 * count is negative. Returns the violations sorted by product id (empty when stock is conserved).
 * `loaded` and `robotStock` are fleet totals (see `sumStock`); restocks add to `loaded`.
 */
export function checkStockConservation(input: {
  readonly loaded: StockCount;
  readonly robotStock: StockCount;
  readonly book: CartBook;
}): StockViolation[] {
  const carts = inCarts(input.book);
  const soldCounts = sold(input.book);
  const products = new Set([
    ...Object.keys(input.loaded),
    ...Object.keys(input.robotStock),
    ...Object.keys(carts),
    ...Object.keys(soldCounts),
  ]);
  const violations: StockViolation[] = [];
  for (const productId of [...products].sort()) {
    const counts = {
      loaded: input.loaded[productId] ?? 0,
      robotStock: input.robotStock[productId] ?? 0,
      inCarts: carts[productId] ?? 0,
      sold: soldCounts[productId] ?? 0,
    };
    if (Object.values(counts).some((n) => n < 0)) violations.push({ productId, kind: 'negative', ...counts });
    else if (counts.robotStock + counts.inCarts + counts.sold !== counts.loaded) {
      violations.push({ productId, kind: 'not_conserved', ...counts });
    }
  }
  return violations;
}
