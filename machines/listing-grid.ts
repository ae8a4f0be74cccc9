import { emptyMap, mapDelete, mapEntries, mapGet, mapSet, type PersistentMap } from './persistent-map.ts';
import type { ErrandListing, Point } from './protocol.ts';

/** Side of a grid cell (m): about the pull radius of an ordinary courier on foot or bike. */
const CELL_M = 1_000;

/**
 * Open listings filed by the grid cell of their pick-up point, beside dispatch's table of them.
 *
 * Why: an ordinary courier's pull asks for the listings within its radius. Scanning every open
 * listing made each pull cost the whole city's open orders, so pulls × listings grew with the square
 * of the city (2 % of a fifth of generated-xl, most of it at full size); the grid visits only the
 * cells the radius reaches. Persistent like the rest of the context.
 */
export type ListingCells = PersistentMap<PersistentMap<ErrandListing>>;

const cellIndex = (v: number) => Math.floor(v / CELL_M);
const cellKey = (cx: number, cy: number) => `${cx},${cy}`;
const cellOf = (p: Point) => cellKey(cellIndex(p.x), cellIndex(p.y));

/** The cells with `listing` filed under its pick-up point. */
export function fileListing(cells: ListingCells, listing: ErrandListing): ListingCells {
  const key = cellOf(listing.pickup);
  return mapSet(cells, key, mapSet(mapGet(cells, key) ?? emptyMap(), listing.orderId, listing));
}

/** The cells without `listing` (unchanged when it was never filed). */
export function unfileListing(cells: ListingCells, listing: ErrandListing | undefined): ListingCells {
  if (!listing) return cells;
  const key = cellOf(listing.pickup);
  const cell = mapGet(cells, key);
  if (!cell) return cells;
  const rest = mapDelete(cell, listing.orderId);
  return mapSet(cells, key, rest);
}

/**
 * Every filed listing whose cell the square around `center` of half-side `radius` touches (a
 * superset of those within `radius`; the caller measures). When that square spans more cells than
 * are filled, the filled cells are walked instead.
 */
export function* listingsAround(
  cells: ListingCells,
  center: Point,
  radius: number,
): Generator<ErrandListing> {
  const [x0, x1] = [cellIndex(center.x - radius), cellIndex(center.x + radius)];
  const [y0, y1] = [cellIndex(center.y - radius), cellIndex(center.y + radius)];
  const span = (x1 - x0 + 1) * (y1 - y0 + 1);
  if (!(span <= cells.size)) {
    for (const [, cell] of mapEntries(cells)) for (const [, listing] of mapEntries(cell)) yield listing;
    return;
  }
  for (let cx = x0; cx <= x1; cx++)
    for (let cy = y0; cy <= y1; cy++) {
      const cell = mapGet(cells, cellKey(cx, cy));
      if (cell) for (const [, listing] of mapEntries(cell)) yield listing;
    }
}
