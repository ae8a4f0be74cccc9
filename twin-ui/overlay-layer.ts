import {
  BufferAttribute,
  BufferGeometry,
  DataTexture,
  DoubleSide,
  Group,
  Line,
  LinearFilter,
  LineBasicMaterial,
  Mesh,
  MeshBasicMaterial,
  PlaneGeometry,
  RGBAFormat,
  RingGeometry,
} from 'three';
import type { Inspection } from '../sim/twin/wire.ts';

/** Heatmap grid cells along the longer side of the city. */
const GRID = 256;
/** Spread of one order's heat (metres). */
const SIGMA = 140;

/** Colour ramp from cool to hot for heat in 0..1 (alpha grows with heat). */
function ramp(v: number, out: Uint8Array, at: number): void {
  const t = Math.min(1, v);
  out[at] = 255;
  out[at + 1] = Math.round(220 * (1 - t) + 40 * t);
  out[at + 2] = Math.round(60 * (1 - t));
  out[at + 3] = Math.round(Math.min(1, t * 1.6) * 190);
}

/**
 * What a planner lays over the map: the heatmap of waiting and late orders (late ones weigh
 * double), the remaining route of the selected actor with its destination, and the selection ring.
 * The heatmap is a small RGBA texture splatted on the CPU when new heat points arrive (once a
 * second), so it costs one textured quad per frame.
 */
export class OverlayLayer {
  readonly root = new Group();
  readonly heatmap: Mesh;
  readonly route: Line;
  readonly ring: Mesh;
  readonly destination: Mesh;
  private readonly texture: DataTexture;
  private readonly cells: Float32Array;
  private readonly width: number;
  private readonly height: number;
  private heatVersion = -1;
  private inspectionVersion = -1;

  constructor(private readonly bbox: { minX: number; minY: number; maxX: number; maxY: number }) {
    const w = bbox.maxX - bbox.minX;
    const h = bbox.maxY - bbox.minY;
    const cell = Math.max(w, h) / GRID;
    this.width = Math.max(1, Math.ceil(w / cell));
    this.height = Math.max(1, Math.ceil(h / cell));
    this.cells = new Float32Array(this.width * this.height);
    this.texture = new DataTexture(
      new Uint8Array(this.width * this.height * 4),
      this.width,
      this.height,
      RGBAFormat,
    );
    this.texture.magFilter = LinearFilter;
    this.texture.minFilter = LinearFilter;
    this.heatmap = new Mesh(
      new PlaneGeometry(w, h),
      new MeshBasicMaterial({ map: this.texture, transparent: true, depthWrite: false, side: DoubleSide }),
    );
    this.heatmap.rotation.x = -Math.PI / 2;
    this.heatmap.position.set((bbox.minX + bbox.maxX) / 2, 1.5, -(bbox.minY + bbox.maxY) / 2);
    this.heatmap.renderOrder = 3;

    this.route = new Line(new BufferGeometry(), new LineBasicMaterial({ color: 0xfde047, depthTest: false }));
    this.route.renderOrder = 4;
    this.route.frustumCulled = false;
    this.ring = new Mesh(
      new RingGeometry(0.75, 1, 32).rotateX(-Math.PI / 2),
      new MeshBasicMaterial({ color: 0xfde047, depthTest: false, transparent: true }),
    );
    this.ring.renderOrder = 5;
    this.ring.visible = false;
    this.destination = new Mesh(
      new RingGeometry(0.5, 1, 4).rotateX(-Math.PI / 2),
      new MeshBasicMaterial({ color: 0xfde047, depthTest: false }),
    );
    this.destination.visible = false;
    this.root.add(this.heatmap, this.route, this.ring, this.destination);
  }

  /** Re-splats the heatmap from Float32 (x, y, weight) triples. */
  updateHeat(points: Float32Array, version: number): void {
    if (version === this.heatVersion) return;
    this.heatVersion = version;
    const cells = this.cells;
    const width = this.width;
    const height = this.height;
    const bbox = this.bbox;
    cells.fill(0);
    const cell = (bbox.maxX - bbox.minX) / width;
    const reach = Math.ceil((SIGMA * 3) / cell);
    const inv = 1 / (2 * (SIGMA / cell) ** 2);
    for (let k = 0; k + 2 < points.length; k += 3) {
      const cx = (points[k] - bbox.minX) / cell;
      // Texture row 0 is the bottom of the plane (south).
      const cy = (points[k + 1] - bbox.minY) / cell;
      const weight = points[k + 2];
      for (let y = Math.max(0, Math.floor(cy - reach)); y <= Math.min(height - 1, cy + reach); y++) {
        for (let x = Math.max(0, Math.floor(cx - reach)); x <= Math.min(width - 1, cx + reach); x++) {
          const d2 = (x - cx) ** 2 + (y - cy) ** 2;
          cells[y * width + x] += weight * Math.exp(-d2 * inv);
        }
      }
    }
    const data = this.texture.image.data as Uint8Array;
    for (let i = 0; i < cells.length; i++) ramp(cells[i] / 3, data, i * 4);
    this.texture.needsUpdate = true;
  }

  /** Route and destination of the inspected actor (null clears them). */
  updateRoute(inspection: Inspection | null, version: number): void {
    if (version === this.inspectionVersion) return;
    this.inspectionVersion = version;
    const route = inspection?.route ? new Float32Array(inspection.route) : null;
    if (!route || route.length < 4) {
      this.route.visible = false;
      this.destination.visible = false;
      return;
    }
    const positions = new Float32Array((route.length / 2) * 3);
    for (let k = 0; k < route.length / 2; k++) {
      positions[3 * k] = route[2 * k];
      positions[3 * k + 1] = 4;
      positions[3 * k + 2] = -route[2 * k + 1];
    }
    this.route.geometry.dispose();
    this.route.geometry = new BufferGeometry();
    this.route.geometry.setAttribute('position', new BufferAttribute(positions, 3));
    this.route.visible = true;
    const end = inspection?.destination;
    if (end) {
      this.destination.position.set(end.x, 4, -end.y);
      this.destination.visible = true;
    }
  }

  /** Keeps the selection ring under the selected actor. */
  placeRing(at: { x: number; y: number } | null, size: number): void {
    this.ring.visible = at !== null;
    if (!at) return;
    this.ring.position.set(at.x, 2, -at.y);
    this.ring.scale.setScalar(size);
    this.destination.scale.setScalar(size * 0.8);
  }
}
