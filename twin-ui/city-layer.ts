import {
  BufferAttribute,
  BufferGeometry,
  Color,
  DoubleSide,
  Group,
  LineBasicMaterial,
  LineLoop,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  PlaneGeometry,
  Points,
  PointsMaterial,
  Shape,
  ShapeGeometry,
  ShapeUtils,
  Vector2,
  Vector3,
} from 'three';
import type { CityData } from './city-decoder.ts';
import { AREA_COLORS } from './state-colors.ts';

const DEFAULT_BUILDING_HEIGHT = 10;

/** Sim metres (x east, y north) → scene (x, up, z south). */
function segmentsGeometry(coords: Float32Array, height: number): BufferGeometry {
  const n = coords.length / 2;
  const positions = new Float32Array(n * 3);
  for (let k = 0; k < n; k++) {
    positions[3 * k] = coords[2 * k];
    positions[3 * k + 1] = height;
    positions[3 * k + 2] = -coords[2 * k + 1];
  }
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(positions, 3));
  return g;
}

/**
 * Buildings as one merged mesh: a wall quad per footprint edge, shaded by its facing (baked into
 * vertex colours, so no lights and the cheapest shader), and a roof triangulated with earcut.
 * One draw call for every building of the city. Without walls (software rendering, where every
 * triangle costs CPU) the roofs alone still show the city's blocks at their height.
 */
export function buildingsGeometry(city: CityData, walls = true): BufferGeometry {
  const { buildingStart: start, buildingVertices: v, buildingHeight: heights } = city;
  const count = heights.length;
  let wallVerts = 0;
  if (walls) for (let b = 0; b < count; b++) wallVerts += (start[b + 1] - start[b]) * 4;
  const roofVerts = start[count] ?? 0;
  const positions = new Float32Array((wallVerts + roofVerts) * 3);
  const colors = new Uint8Array((wallVerts + roofVerts) * 3);
  const indices: number[] = [];
  let at = 0;
  const put = (x: number, y: number, h: number, shade: number) => {
    positions[3 * at] = x;
    positions[3 * at + 1] = h;
    positions[3 * at + 2] = -y;
    colors[3 * at] = shade * 0.78;
    colors[3 * at + 1] = shade * 0.84;
    colors[3 * at + 2] = shade;
    return at++;
  };
  const contour: Vector2[] = [];
  for (let b = 0; b < count; b++) {
    const h = heights[b] > 0 ? heights[b] : DEFAULT_BUILDING_HEIGHT;
    const first = start[b];
    const last = start[b + 1];
    const n = last - first;
    if (n < 3) continue;
    for (let j = 0; walls && j < n; j++) {
      const a = first + j;
      const c = first + ((j + 1) % n);
      const dx = v[2 * c] - v[2 * a];
      const dy = v[2 * c + 1] - v[2 * a + 1];
      const len = Math.hypot(dx, dy) || 1;
      // Light from the south-west: walls facing it are brighter.
      const facing = (dy / len) * -0.6 + (-dx / len) * -0.8;
      const shade = 92 + 40 * facing;
      const i0 = put(v[2 * a], v[2 * a + 1], 0, shade * 0.7);
      const i1 = put(v[2 * c], v[2 * c + 1], 0, shade * 0.7);
      const i2 = put(v[2 * c], v[2 * c + 1], h, shade);
      const i3 = put(v[2 * a], v[2 * a + 1], h, shade);
      indices.push(i0, i1, i2, i0, i2, i3);
    }
    contour.length = 0;
    const roofBase = at;
    for (let j = 0; j < n; j++) {
      contour.push(new Vector2(v[2 * (first + j)], v[2 * (first + j) + 1]));
      put(v[2 * (first + j)], v[2 * (first + j) + 1], h, 150);
    }
    for (const [p, q, r] of ShapeUtils.triangulateShape(contour, []))
      indices.push(roofBase + p, roofBase + q, roofBase + r);
  }
  const g = new BufferGeometry();
  g.setAttribute('position', new BufferAttribute(positions.subarray(0, at * 3), 3));
  g.setAttribute('color', new BufferAttribute(colors.subarray(0, at * 3), 3, true));
  g.setIndex(indices);
  return g;
}

function areaLayer(city: CityData): Group {
  const group = new Group();
  const rings = city.areaOfRing.length;
  for (let r = 0; r < rings; r++) {
    const color = AREA_COLORS[city.areaOfRing[r] % AREA_COLORS.length];
    const points: Vector2[] = [];
    for (let k = city.areaRingStart[r]; k < city.areaRingStart[r + 1]; k++)
      points.push(new Vector2(city.areaVertices[2 * k], city.areaVertices[2 * k + 1]));
    const fill = new Mesh(
      new ShapeGeometry(new Shape(points)),
      new MeshBasicMaterial({ color, transparent: true, opacity: 0.1, side: DoubleSide, depthWrite: false }),
    );
    fill.rotation.x = -Math.PI / 2;
    fill.position.y = 0.2;
    const outline = new LineLoop(
      new BufferGeometry().setFromPoints(points.map((p) => new Vector3(p.x, 3, -p.y))),
      new LineBasicMaterial({ color }),
    );
    group.add(fill, outline);
  }
  return group;
}

/** Where the action is: the coverage areas' extent (the OSM extract reaches far beyond them). */
export function focusExtent(city: CityData): CityData['bbox'] {
  const v = city.areaVertices;
  if (v.length < 4) return city.bbox;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < v.length; k += 2) {
    minX = Math.min(minX, v[k]);
    maxX = Math.max(maxX, v[k]);
    minY = Math.min(minY, v[k + 1]);
    maxY = Math.max(maxY, v[k + 1]);
  }
  return { minX, minY, maxX, maxY };
}

/** The static city, split into layers the overlay toggles switch on and off. */
export interface CityLayers {
  readonly root: Group;
  readonly ground: Mesh;
  readonly roads: LineSegments;
  readonly paths: LineSegments;
  readonly buildings: Mesh;
  readonly parking: Points;
  readonly areas: Group;
}

/** `walls: false` draws roofs only (for software renderers). */
export function buildCityLayers(city: CityData, options: { walls: boolean } = { walls: true }): CityLayers {
  const { minX, minY, maxX, maxY } = city.bbox;
  const w = maxX - minX;
  const h = maxY - minY;
  const ground = new Mesh(new PlaneGeometry(w * 1.6, h * 1.6), new MeshBasicMaterial({ color: 0x0d1626 }));
  ground.rotation.x = -Math.PI / 2;
  ground.position.set((minX + maxX) / 2, -0.5, -(minY + maxY) / 2);
  const roads = new LineSegments(
    segmentsGeometry(city.roads, 0.6),
    new LineBasicMaterial({ color: 0x8da2bf }),
  );
  const paths = new LineSegments(
    segmentsGeometry(city.paths, 0.4),
    new LineBasicMaterial({ color: 0x3b4b63, transparent: true, opacity: 0.8 }),
  );
  const buildings = new Mesh(
    buildingsGeometry(city, options.walls),
    new MeshBasicMaterial({ vertexColors: true }),
  );
  const parkingXY = new Float32Array((city.parking.length / 3) * 2);
  for (let k = 0; k < parkingXY.length / 2; k++) {
    parkingXY[2 * k] = city.parking[3 * k];
    parkingXY[2 * k + 1] = city.parking[3 * k + 1];
  }
  const parking = new Points(
    segmentsGeometry(parkingXY, 1),
    new PointsMaterial({ color: new Color(0x60a5fa), size: 3, sizeAttenuation: false }),
  );
  const areas = areaLayer(city);
  const root = new Group();
  root.add(ground, areas, paths, roads, parking, buildings);
  for (const o of [ground, roads, paths, buildings, parking]) o.matrixAutoUpdate = false;
  for (const o of [ground, roads, paths, buildings, parking]) o.updateMatrix();
  return { root, ground, roads, paths, buildings, parking, areas };
}
