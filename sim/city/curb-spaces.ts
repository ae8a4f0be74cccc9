import type { XY } from './projection.ts';

/** Metres between generated curb parking spaces along a street. */
export const CURB_SPACING_METERS = 60;
/** Cars one generated curb space holds: a conservative share of a 60 m stretch of curb. */
export const CURB_CAPACITY = 4;

/**
 * Positions of curb parking spaces along one street polyline: at spacing/2, 3·spacing/2, … metres
 * from its start. Why centred offsets: a street shorter than half the spacing gets none, and a
 * street split into many short OSM ways does not get a space piled on every junction. Pure
 * geometry, so the OSM loader and the generated grid place spaces by the same rule.
 */
export function curbSpacePositions(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  spacing = CURB_SPACING_METERS,
): XY[] {
  const out: XY[] = [];
  let next = spacing / 2;
  let travelled = 0;
  for (let i = 0; i + 1 < xs.length; i++) {
    const dx = xs[i + 1] - xs[i];
    const dy = ys[i + 1] - ys[i];
    const len = Math.hypot(dx, dy);
    while (len > 0 && next <= travelled + len) {
      const f = (next - travelled) / len;
      out.push({ x: xs[i] + dx * f, y: ys[i] + dy * f });
      next += spacing;
    }
    travelled += len;
  }
  return out;
}
