import type { City } from '../city/city.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { DemandCell } from './demand-map.ts';
import type { ChartSpec } from './report-charts.ts';

/** Roads slower than this (m/s) are left off the map: residential lanes add ink, not orientation. */
const MAP_ROAD_MIN_SPEED = 8;

type Ring = [number, number][];

/** The drive network's faster roads inside `box`, as one multi-line in metres (each road once). */
function roadLines(city: City, box: Box): [number, number][][] {
  const g = city.drive;
  const inside = (n: number) =>
    g.x[n] >= box.minX && g.x[n] <= box.maxX && g.y[n] >= box.minY && g.y[n] <= box.maxY;
  const lines: [number, number][][] = [];
  for (let u = 0; u < g.nodeCount; u++) {
    for (let e = g.edgeStart[u]; e < g.edgeStart[u + 1]; e++) {
      const v = g.edgeTarget[e];
      if (g.edgeSpeed[e] < MAP_ROAD_MIN_SPEED || v < u || !(inside(u) && inside(v))) continue;
      lines.push([
        [Math.round(g.x[u]), Math.round(g.y[u])],
        [Math.round(g.x[v]), Math.round(g.y[v])],
      ]);
    }
  }
  return lines;
}

interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** The coverage areas' extent plus a margin: what the map shows. */
function areasBox(features: ReturnType<typeof areaFeatures>, margin: number): Box {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      box.minX = Math.min(box.minX, c[0] - margin);
      box.maxX = Math.max(box.maxX, c[0] + margin);
      box.minY = Math.min(box.minY, c[1] - margin);
      box.maxY = Math.max(box.maxY, c[1] + margin);
    } else if (Array.isArray(c)) for (const d of c) visit(d);
  };
  for (const f of features) visit(f.geometry.coordinates);
  return box;
}

function areaFeatures(scenario: Scenario, city: City) {
  return scenario.coverageAreas.map((a) => {
    const project = (ring: readonly (readonly [number, number])[]): Ring =>
      ring.map(([lon, lat]) => {
        const p = city.projection.toXY(lon, lat);
        return [Math.round(p.x), Math.round(p.y)];
      });
    const geometry =
      a.geometry.type === 'Polygon'
        ? { type: 'Polygon', coordinates: a.geometry.coordinates.map(project) }
        : { type: 'MultiPolygon', coordinates: a.geometry.coordinates.map((poly) => poly.map(project)) };
    return { type: 'Feature', properties: { area: a.name ?? a.id }, geometry };
  });
}

export interface MapInput {
  readonly title: string;
  readonly scenario: Scenario;
  readonly city: City;
  readonly stores: readonly { readonly x: number; readonly y: number }[];
  /** Demand cells summed over the variant's replications. */
  readonly cells: readonly DemandCell[];
  readonly cellMeters: number;
}

/** Sums the demand grids of several runs cell by cell (the variant's replications). */
export function sumCells(grids: readonly (readonly DemandCell[])[]): DemandCell[] {
  const sum = new Map<string, [number, number, number, number, number]>();
  for (const grid of grids)
    for (const [cx, cy, total, late, unserved] of grid) {
      const key = `${cx},${cy}`;
      const cell = sum.get(key) ?? [cx, cy, 0, 0, 0];
      cell[2] += total;
      cell[3] += late;
      cell[4] += unserved;
      sum.set(key, cell);
    }
  return [...sum.values()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

/**
 * The coverage map: coverage areas, main roads and stores, with demand per cell as grey discs and
 * late (orange) and unserved (red) orders as discs on top, all sized on one scale, so a planner sees
 * where the fleet falls short, not only by how much. Drawn in the city's metric plane (identity
 * projection), the same plane the simulation computes in.
 */
export function coverageMapSpec(input: MapInput): ChartSpec {
  const half = input.cellMeters / 2;
  const points = input.cells.flatMap(([cx, cy, total, late, unserved]) => {
    const x = cx * input.cellMeters + half;
    const y = cy * input.cellMeters + half;
    return [
      { x, y, count: total, kind: 'all demand' },
      ...(late > 0 ? [{ x, y, count: late, kind: 'late' }] : []),
      ...(unserved > 0 ? [{ x, y, count: unserved, kind: 'unserved' }] : []),
    ];
  });
  const areas = areaFeatures(input.scenario, input.city);
  const box = areasBox(areas, 150);
  const geo = (features: unknown[]) => ({
    values: { type: 'FeatureCollection', features },
    format: { type: 'json', property: 'features' },
  });
  return {
    title: { text: input.title, anchor: 'start', fontSize: 13 },
    width: 640,
    height: 480,
    projection: { type: 'identity', reflectY: true },
    layer: [
      {
        data: geo(areas),
        mark: { type: 'geoshape', fill: '#eef5ff', stroke: '#1f6feb', strokeWidth: 1.5 },
      },
      {
        data: geo([
          {
            type: 'Feature',
            properties: {},
            geometry: { type: 'MultiLineString', coordinates: roadLines(input.city, box) },
          },
        ]),
        mark: { type: 'geoshape', filled: false, stroke: '#b8b8b8', strokeWidth: 0.6 },
      },
      {
        data: { values: input.stores.map((s) => ({ x: Math.round(s.x), y: Math.round(s.y) })) },
        mark: { type: 'square', size: 22, color: '#222', opacity: 0.8 },
        encoding: {
          longitude: { field: 'x', type: 'quantitative' },
          latitude: { field: 'y', type: 'quantitative' },
        },
      },
      {
        data: { values: points },
        mark: { type: 'circle', opacity: 0.55, stroke: 'white', strokeWidth: 0.4 },
        encoding: {
          longitude: { field: 'x', type: 'quantitative' },
          latitude: { field: 'y', type: 'quantitative' },
          size: {
            field: 'count',
            type: 'quantitative',
            title: `orders per ${input.cellMeters} m cell`,
            legend: { titleLimit: 400 },
            scale: { range: [8, 500] },
          },
          color: {
            field: 'kind',
            type: 'nominal',
            title: null,
            scale: { domain: ['all demand', 'late', 'unserved'], range: ['#9aa4ad', '#f08c00', '#d1242f'] },
          },
          order: { field: 'kind', sort: 'ascending' },
        },
      },
    ],
    config: { font: 'system-ui, sans-serif', view: { stroke: null } },
  };
}
