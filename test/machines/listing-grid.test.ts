import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { pullListings } from '../../machines/dispatch.ts';
import { fileListing, type ListingCells, unfileListing } from '../../machines/listing-grid.ts';
import { emptyMap } from '../../machines/persistent-map.ts';
import type { ErrandListing } from '../../machines/protocol.ts';

const SEED = 4242;
const coord = fc.integer({ min: -3_000, max: 3_000 });
const category = fc.constantFrom<ErrandListing['category']>('buy_for_me', 'deliver');
/** Listing ids from a small pool, so re-filing an open listing (a moved pick-up) happens often. */
const op = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    id: fc.integer({ min: 0, max: 40 }),
    x: coord,
    y: coord,
    category,
  }),
  fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 120 }) }),
);
const pull = fc.record({
  x: coord,
  y: coord,
  radius: fc.oneof(
    fc.integer({ min: 0, max: 1_500 }),
    fc.integer({ min: 0, max: 6_000 }),
    fc.constant(Number.POSITIVE_INFINITY),
  ),
  categories: fc.subarray<string>(['buy_for_me', 'deliver']),
  limit: fc.integer({ min: 1, max: 50 }),
});

/** What a pull saw before the grid: every open listing measured, nearest first, ties by id. */
type Pull = typeof pull extends fc.Arbitrary<infer P> ? P : never;

function scan(open: Map<string, ErrandListing>, p: Pull): ErrandListing[] {
  return [...open.values()]
    .filter((l) => p.categories.includes(l.category))
    .map((l) => ({ l, d: Math.hypot(l.pickup.x - p.x, l.pickup.y - p.y) }))
    .filter((h) => h.d <= p.radius)
    .sort((a, b) => a.d - b.d || (a.l.orderId < b.l.orderId ? -1 : 1))
    .slice(0, p.limit)
    .map((h) => h.l);
}

describe('listing grid', () => {
  test.prop(
    [fc.array(op, { minLength: 80, maxLength: 300 }), fc.array(pull, { minLength: 1, maxLength: 8 })],
    {
      seed: SEED,
      numRuns: 300,
      endOnFailure: true,
    },
  )(`a pull through the grid equals a scan of every open listing (seed ${SEED})`, (ops, pulls) => {
    let cells: ListingCells = emptyMap();
    const open = new Map<string, ErrandListing>();
    for (const o of ops) {
      const id = `E${o.id}`;
      cells = unfileListing(cells, open.get(id));
      if (o.kind === 'add') {
        const listing: ErrandListing = {
          orderId: id,
          category: o.category,
          fee: 500,
          pickup: { x: o.x, y: o.y },
          dropoff: { x: 0, y: 0 },
          distance: 1,
        };
        cells = fileListing(cells, listing);
        open.set(id, listing);
      } else open.delete(id);
    }
    for (const p of pulls) {
      const got = pullListings(
        cells,
        { position: { x: p.x, y: p.y }, radius: p.radius, categories: p.categories },
        p.limit,
      );
      expect(got).toEqual(scan(open, p));
    }
  });
});
