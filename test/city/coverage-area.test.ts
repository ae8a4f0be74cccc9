import { describe, expect, it } from 'vitest';
import { compileCoverageArea, createProjection } from '../../sim/city/index.ts';

const projection = createProjection(7.42, 43.73);

/** A lon/lat ring for a square of `size` metres centred at (cx, cy) metres. */
function squareRing(cx: number, cy: number, size: number, clockwise = false): [number, number][] {
  const h = size / 2;
  const corners: [number, number][] = [
    [cx - h, cy - h],
    [cx + h, cy - h],
    [cx + h, cy + h],
    [cx - h, cy + h],
  ];
  if (clockwise) corners.reverse();
  const ring = corners.map(([x, y]): [number, number] => {
    const p = projection.toLonLat(x, y);
    return [p.lon, p.lat];
  });
  return [...ring, ring[0]];
}

describe('compileCoverageArea', () => {
  const squareWithHole = {
    type: 'Polygon',
    coordinates: [squareRing(0, 0, 1000), squareRing(0, 0, 200, true)],
  };

  it('contains points in the square but not in its hole or outside', () => {
    const area = compileCoverageArea(squareWithHole, projection);
    expect(area.contains(300, 300)).toBe(true);
    expect(area.contains(-450, 10)).toBe(true);
    expect(area.contains(0, 0)).toBe(false);
    expect(area.contains(50, -50)).toBe(false);
    expect(area.contains(600, 0)).toBe(false);
    expect(area.contains(0, -501)).toBe(false);
    expect(area.area).toBeCloseTo(1000 * 1000 - 200 * 200, 0);
    expect(area.centroid.x).toBeCloseTo(0, 3);
    expect(area.centroid.y).toBeCloseTo(0, 3);
    expect(area.bbox.minX).toBeCloseTo(-500, 6);
    expect(area.bbox.maxY).toBeCloseTo(500, 6);
  });

  it('accepts MultiPolygons and Features', () => {
    const multi = compileCoverageArea(
      {
        type: 'Feature',
        properties: {},
        geometry: {
          type: 'MultiPolygon',
          coordinates: [[squareRing(0, 0, 100)], [squareRing(1000, 0, 100)]],
        },
      },
      projection,
    );
    expect(multi.contains(0, 0)).toBe(true);
    expect(multi.contains(1000, 10)).toBe(true);
    expect(multi.contains(500, 0)).toBe(false);
    expect(multi.area).toBeCloseTo(20_000, 0);
    expect(multi.centroid.x).toBeCloseTo(500, 3);
  });

  it.each([
    ['a non-object', 42, /expected a GeoJSON object/],
    ['a Point', { type: 'Point', coordinates: [7.42, 43.73] }, /type must be Polygon, MultiPolygon.*"Point"/],
    [
      'a ring with 3 positions',
      { type: 'Polygon', coordinates: [squareRing(0, 0, 10).slice(0, 3)] },
      /ring 0 has 3 positions/,
    ],
    [
      'an unclosed ring',
      {
        type: 'Polygon',
        coordinates: [
          squareRing(0, 0, 10)
            .slice(0, 4)
            .concat([[7.5, 43.8]]),
        ],
      },
      /not closed/,
    ],
    [
      'a non-finite coordinate',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, Number.NaN],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      /position 1 has non-finite coordinates/,
    ],
    [
      'latitude out of range',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 95],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      /outside lon -180..180/,
    ],
    [
      'a zero-area ring',
      {
        type: 'Polygon',
        coordinates: [
          [
            [7.4, 43.7],
            [7.41, 43.7],
            [7.42, 43.7],
            [7.4, 43.7],
          ],
        ],
      },
      /zero area/,
    ],
    [
      'a self-intersecting bow tie',
      {
        type: 'Polygon',
        coordinates: [
          [
            [7.4, 43.7],
            [7.41, 43.71],
            [7.41, 43.7],
            [7.4, 43.71],
            [7.4, 43.7],
          ],
        ],
      },
      /ring 0 intersects itself/,
    ],
    [
      'a hole outside its outer ring',
      { type: 'Polygon', coordinates: [squareRing(0, 0, 100), squareRing(500, 0, 20)] },
      /hole 1 has vertex 0 outside the outer ring/,
    ],
    ['an empty MultiPolygon', { type: 'MultiPolygon', coordinates: [] }, /non-empty array of polygons/],
    [
      'rings that are not arrays',
      { type: 'Polygon', coordinates: 'nope' },
      /polygon 0 must be a non-empty array of rings/,
    ],
  ])('rejects %s with a message naming the problem', (_name, geojson, message) => {
    expect(() => compileCoverageArea(geojson, projection)).toThrow(message);
  });

  it('tolerates repeated consecutive positions', () => {
    const ring = squareRing(0, 0, 100);
    const area = compileCoverageArea({ type: 'Polygon', coordinates: [[ring[0], ...ring]] }, projection);
    expect(area.contains(0, 0)).toBe(true);
  });
});
