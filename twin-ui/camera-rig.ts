import { PerspectiveCamera, Vector3 } from 'three';
import { MapControls } from 'three/addons/controls/MapControls.js';

/**
 * The camera: map-style controls (drag to pan, right-drag to rotate, wheel to zoom) and a follow
 * mode that keeps a moving actor in the centre by shifting camera and target together, so the
 * user's chosen angle and distance survive following.
 */
export class CameraRig {
  readonly camera: PerspectiveCamera;
  readonly controls: MapControls;
  following: string | null = null;
  private readonly delta = new Vector3();

  constructor(canvas: HTMLCanvasElement) {
    this.camera = new PerspectiveCamera(45, 1, 5, 60_000);
    this.controls = new MapControls(this.camera, canvas);
    this.controls.enableDamping = true;
    this.controls.dampingFactor = 0.12;
    this.controls.maxPolarAngle = Math.PI * 0.47;
    this.controls.minDistance = 40;
    this.controls.maxDistance = 25_000;
  }

  /** Frames the whole city from the south, slightly tilted. */
  frame(bbox: { minX: number; minY: number; maxX: number; maxY: number }): void {
    const cx = (bbox.minX + bbox.maxX) / 2;
    const cy = (bbox.minY + bbox.maxY) / 2;
    const span = Math.max(bbox.maxX - bbox.minX, bbox.maxY - bbox.minY);
    this.controls.target.set(cx, 0, -cy);
    this.camera.position.set(cx, span * 0.75, -cy + span * 0.6);
    this.controls.update();
  }

  /** Centres on a point (sim metres) at a closer distance. */
  focus(x: number, y: number, distance = 600): void {
    const t = this.controls.target;
    const offset = this.camera.position.clone().sub(t).setLength(distance);
    t.set(x, 0, -y);
    this.camera.position.copy(t).add(offset);
    this.controls.update();
  }

  /** Per animation frame: follow (when on) and apply damping. */
  update(followed: { x: number; y: number } | null): void {
    if (followed) {
      this.delta.set(followed.x, 0, -followed.y).sub(this.controls.target);
      this.controls.target.add(this.delta);
      this.camera.position.add(this.delta);
    }
    this.controls.update();
  }

  /** Marker size multiplier: markers keep a readable size on screen as the camera pulls back. */
  zoomFactor(): number {
    const d = this.camera.position.distanceTo(this.controls.target);
    // In 2.5 % steps, so a camera at rest (or easing by sub-pixel amounts) keeps one zoom and the
    // actor layer can leave unmoved markers alone.
    const zoom = Math.min(24, Math.max(1, d / 700));
    return Math.exp(Math.round(Math.log(zoom) * 40) / 40);
  }

  resize(width: number, height: number): void {
    this.camera.aspect = width / Math.max(1, height);
    this.camera.updateProjectionMatrix();
  }
}
