import {
  BoxGeometry,
  type BufferGeometry,
  type Camera,
  CircleGeometry,
  Color,
  ConeGeometry,
  CylinderGeometry,
  DynamicDrawUsage,
  Group,
  InstancedMesh,
  Matrix4,
  MeshLambertMaterial,
  OctahedronGeometry,
  Quaternion,
  Raycaster,
  SphereGeometry,
  type Vector2,
  Vector3,
} from 'three';
import { type ActorShape, type ShapeName, shapeFor } from './actor-shapes.ts';
import { stateColor } from './state-colors.ts';
import type { DrawnPosition, TwinState } from './twin-state.ts';

function geometryOf(shape: ShapeName): BufferGeometry {
  switch (shape) {
    case 'cone':
      return new ConeGeometry(0.45, 1, 8).rotateZ(-Math.PI / 2);
    case 'octahedron':
      return new OctahedronGeometry(0.5);
    case 'box':
      return new BoxGeometry(1, 1, 1);
    case 'slab':
      return new BoxGeometry(1, 0.4, 0.6);
    case 'cylinder':
      return new CylinderGeometry(0.4, 0.4, 1, 10);
    case 'disc':
      // A flat marker facing up: eight triangles for the most numerous kind (customers at home).
      return new CircleGeometry(0.5, 8).rotateX(-Math.PI / 2);
    case 'sphere':
      return new SphereGeometry(0.5, 10, 6);
    case 'car':
      return new BoxGeometry(1, 0.45, 0.5);
  }
}

const UP = new Vector3(0, 1, 0);

/**
 * Every actor, one InstancedMesh per class (kind or kind:variant): one draw call per class however
 * many actors it has. Each animation frame copies the interpolated positions and, for actors whose
 * state changed, the state colour from the TwinState into the instance buffers — nothing else.
 */
export class ActorLayer {
  readonly root = new Group();
  meshes: InstancedMesh[] = [];
  shapes: ActorShape[] = [];
  private rosterVersion = -1;
  private drawnZoom = Number.NaN;
  /** Wall time each class was last drawn; a class nobody moved since is not rewritten. */
  private drawnAt = new Float64Array(0);
  private readonly matrix = new Matrix4();
  private readonly quat = new Quaternion();
  private readonly pos = new Vector3();
  private readonly scale = new Vector3();
  private readonly color = new Color();
  private readonly here: DrawnPosition = { x: 0, y: 0, heading: 0 };
  private readonly raycaster = new Raycaster();

  /** Copies the state into the meshes; `zoom` multiplies marker sizes so they stay visible from afar. */
  update(state: TwinState, now: number, zoom: number): void {
    if (state.rosterVersion !== this.rosterVersion) this.rebuild(state);
    for (const i of state.dirtyColors) {
      const c = state.roster.classOf[i];
      const mesh = this.meshes[c];
      if (!mesh) continue;
      const kind = state.roster.classes[c].kind;
      mesh.setColorAt(state.instanceOf[i], this.color.setHex(stateColor(state.stateOf(i), kind)));
      if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    }
    state.dirtyColors.clear();
    const zoomChanged = zoom !== this.drawnZoom;
    this.drawnZoom = zoom;
    for (let c = 0; c < this.meshes.length; c++) {
      if (!zoomChanged && !state.classMovedSince(c, this.drawnAt[c])) continue;
      this.drawnAt[c] = now;
      const mesh = this.meshes[c];
      const shape = this.shapes[c];
      const members = state.members[c];
      const size = shape.size * zoom ** (shape.grow ?? 1);
      for (let k = 0; k < members.length; k++) {
        const i = members[k];
        if (!state.isPlaced(i)) {
          this.matrix.makeScale(0, 0, 0);
        } else {
          const p = state.position(i, now, this.here);
          this.pos.set(p.x, shape.lift * size, -p.y);
          this.quat.setFromAxisAngle(UP, p.heading);
          this.scale.setScalar(size);
          this.matrix.compose(this.pos, this.quat, this.scale);
        }
        mesh.setMatrixAt(k, this.matrix);
      }
      mesh.instanceMatrix.needsUpdate = true;
    }
  }

  /** The actor index under a screen point (normalised device coordinates), or -1. */
  pick(state: TwinState, ndc: Vector2, camera: Camera): number {
    this.raycaster.setFromCamera(ndc, camera);
    for (const mesh of this.meshes) mesh.computeBoundingSphere();
    const hits = this.raycaster.intersectObjects(this.meshes, false);
    for (const hit of hits) {
      if (hit.instanceId === undefined) continue;
      const c = this.meshes.indexOf(hit.object as InstancedMesh);
      const i = state.members[c]?.[hit.instanceId];
      if (i !== undefined && state.isPlaced(i)) return i;
    }
    return -1;
  }

  private rebuild(state: TwinState): void {
    for (const mesh of this.meshes) {
      this.root.remove(mesh);
      mesh.geometry.dispose();
      (mesh.material as MeshLambertMaterial).dispose();
      mesh.dispose();
    }
    const variantRank = new Map<string, number>();
    this.shapes = state.roster.classes.map((c) => {
      const rank = variantRank.get(c.kind) ?? 0;
      variantRank.set(c.kind, rank + 1);
      return shapeFor(c.kind, rank);
    });
    this.meshes = state.roster.classes.map((cls, c) => {
      const count = Math.max(1, state.members[c].length);
      const mesh = new InstancedMesh(geometryOf(this.shapes[c].shape), new MeshLambertMaterial(), count);
      mesh.count = state.members[c].length;
      mesh.instanceMatrix.setUsage(DynamicDrawUsage);
      mesh.frustumCulled = false;
      mesh.name = cls.key;
      // Movers render after (above) static markers at the same place.
      mesh.renderOrder = cls.moving ? 2 : 1;
      for (let k = 0; k < count; k++) mesh.setColorAt(k, this.color.setHex(0x9ca3af));
      this.root.add(mesh);
      return mesh;
    });
    for (let i = 0; i < state.stateCode.length; i++) if (state.stateCode[i] >= 0) state.dirtyColors.add(i);
    this.drawnAt = new Float64Array(this.meshes.length).fill(Number.NEGATIVE_INFINITY);
    this.rosterVersion = state.rosterVersion;
  }
}
