import { Color, DirectionalLight, HemisphereLight, Scene, Vector2, Vector3, WebGLRenderer } from 'three';
import type { Inspection } from '../sim/twin/wire.ts';
import { ActorLayer } from './actor-layer.ts';
import { CameraRig } from './camera-rig.ts';
import { buildCityLayers, type CityLayers, focusExtent } from './city-layer.ts';
import { installHandle } from './debug-handle.ts';
import { InspectorPanel } from './inspector-panel.ts';
import { KpiBoard } from './kpi-board.ts';
import { OverlayLayer } from './overlay-layer.ts';
import { TimelineBar } from './timeline-bar.ts';
import { TwinClient } from './twin-client.ts';
import { type DrawnPosition, TwinState } from './twin-state.ts';

// ── connection and state ─────────────────────────────────────────────────────────────────────
const params = new URLSearchParams(location.search);
const urlToken = params.get('token');
if (urlToken) {
  // Keep the token out of the address bar (meeting-room screens get photographed).
  sessionStorage.setItem('citytwin.token', urlToken);
  params.delete('token');
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}${location.hash}`);
}
const state = new TwinState();
const client = new TwinClient(state, urlToken ?? sessionStorage.getItem('citytwin.token'));

// ── scene ────────────────────────────────────────────────────────────────────────────────────
const container = document.getElementById('scene') as HTMLDivElement;
/** A software rasteriser (SwiftShader, llvmpipe) draws every pixel on the CPU: skip MSAA and HiDPI there. */
function softwareRenderer(): boolean {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return false;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|software/i.test(name);
}
const software = softwareRenderer();
const antialias = params.has('aa') ? params.get('aa') !== '0' : !software;
/** `?detail=full|low`; low (roofs without walls) is the default on a software renderer. */
const detail = params.get('detail') ?? (software ? 'low' : 'full');
const renderer = new WebGLRenderer({ antialias, powerPreference: 'high-performance' });
renderer.setPixelRatio(software ? 1 : Math.min(window.devicePixelRatio, 2));
container.append(renderer.domElement);
const scene = new Scene();
scene.background = new Color(0x0b1220);
scene.add(new HemisphereLight(0xdbeafe, 0x1e293b, 1.6));
const sun = new DirectionalLight(0xffffff, 1.4);
sun.position.set(-1, 2, 1);
scene.add(sun);
const rig = new CameraRig(renderer.domElement);
const actors = new ActorLayer();
scene.add(actors.root);
let city: CityLayers | null = null;
let overlay: OverlayLayer | null = null;
let renders = 0;
/** Milestones of the page load (ms since navigation), for `window.citytwin.timings`. */
const timings: Record<string, number> = {};

function resize(): void {
  const { clientWidth: w, clientHeight: h } = container;
  renderer.setSize(w, h, false);
  rig.resize(w, h);
}
new ResizeObserver(resize).observe(container);
resize();

// ── UI ───────────────────────────────────────────────────────────────────────────────────────
const toastBox = document.getElementById('toast') as HTMLDivElement;
let toastTimer = 0;
function toast(message: string): void {
  toastBox.textContent = message;
  toastBox.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    toastBox.hidden = true;
  }, 4000);
}
client.onError((e) => toast(`${e.about}: ${e.message}`));
const timeline = new TimelineBar(state, client, toast);
const panel = new InspectorPanel();
const board = new KpiBoard(state);
const overlaysOn = { route: true };

// ── selection ────────────────────────────────────────────────────────────────────────────────
let inspectTimer = 0;
async function select(id: string | null): Promise<Inspection | null> {
  clearInterval(inspectTimer);
  state.selected = id;
  if (id === null) {
    rig.following = null;
    setInspection(null);
    return null;
  }
  const result = await refreshInspection();
  inspectTimer = window.setInterval(() => void refreshInspection(), 1000);
  return result;
}

async function refreshInspection(): Promise<Inspection | null> {
  const id = state.selected;
  if (id === null) return null;
  const result = await client.inspect(id);
  if (state.selected !== id) return result;
  setInspection(result);
  if (!result) {
    clearInterval(inspectTimer);
    state.selected = null;
  }
  return result;
}

function setInspection(inspection: Inspection | null): void {
  state.inspection = inspection;
  state.inspectionVersion++;
  panel.show(inspection, rig.following !== null && rig.following === inspection?.id);
}

function follow(id: string | null): void {
  rig.following = id;
  const i = id === null ? -1 : state.indexOf(id);
  if (i >= 0) {
    const p = state.position(i, performance.now(), here);
    rig.focus(p.x, p.y, 500);
  }
  panel.show(state.inspection, id !== null);
}

panel.follow.addEventListener('click', () => follow(rig.following ? null : state.selected));
const find = document.getElementById('find') as HTMLInputElement;
find.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  const id = find.value.trim();
  if (!id) return;
  void select(id).then((found) => {
    if (!found) toast(`no actor "${id}"`);
    else if (found.position) follow(id);
  });
});
panel.close.addEventListener('click', () => void select(null));

// Click (not drag) on the canvas: instanced raycast first, then the nearest marker within 12 px.
const down = new Vector2();
renderer.domElement.addEventListener('pointerdown', (e) => down.set(e.clientX, e.clientY));
renderer.domElement.addEventListener('pointerup', (e) => {
  if (down.distanceTo(new Vector2(e.clientX, e.clientY)) > 4) return;
  const rect = renderer.domElement.getBoundingClientRect();
  const ndc = new Vector2(
    ((e.clientX - rect.left) / rect.width) * 2 - 1,
    -((e.clientY - rect.top) / rect.height) * 2 + 1,
  );
  let index = actors.pick(state, ndc, rig.camera);
  if (index < 0) index = nearestOnScreen(e.clientX, e.clientY, 12);
  if (index >= 0) void select(state.roster.ids[index]);
});

const here: DrawnPosition = { x: 0, y: 0, heading: 0 };
const projected = new Vector3();

/** Screen position (CSS px) of actor i as drawn now, or null when it is off screen or unplaced. */
function screenPosition(i: number): { x: number; y: number } | null {
  if (!state.isPlaced(i)) return null;
  const c = state.roster.classOf[i];
  const shape = actors.shapes[c];
  const size = (shape?.size ?? 6) * rig.zoomFactor();
  const p = state.position(i, performance.now(), here);
  projected.set(p.x, (shape?.lift ?? 0.5) * size, -p.y).project(rig.camera);
  if (projected.z > 1 || Math.abs(projected.x) > 1 || Math.abs(projected.y) > 1) return null;
  const rect = renderer.domElement.getBoundingClientRect();
  return {
    x: rect.left + ((projected.x + 1) / 2) * rect.width,
    y: rect.top + ((1 - projected.y) / 2) * rect.height,
  };
}

function nearestOnScreen(x: number, y: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < state.roster.ids.length; i++) {
    const s = screenPosition(i);
    if (!s) continue;
    const d = (s.x - x) ** 2 + (s.y - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

installHandle({
  state,
  client,
  renders: () => renders,
  cityLoaded: () => city !== null,
  timings,
  select,
  follow,
  screenPosition,
});

// ── city, overlays ───────────────────────────────────────────────────────────────────────────
client
  .fetchCity()
  .then((data) => {
    timings.cityFetched = performance.now();
    city = buildCityLayers(data, { walls: detail === 'full' });
    timings.cityBuilt = performance.now();
    scene.add(city.root);
    overlay = new OverlayLayer(data.bbox);
    scene.add(overlay.root);
    rig.frame(focusExtent(data));
    const layers = city;
    const over = overlay;
    board.addToggle('areas', 'coverage areas', true, (on) => {
      layers.areas.visible = on;
    });
    board.addToggle('heatmap', 'waiting / late orders heatmap', true, (on) => {
      over.heatmap.visible = on;
    });
    board.addToggle('route', 'route of the selected actor', true, (on) => {
      overlaysOn.route = on;
      state.inspectionVersion++;
    });
    board.addToggle('roads', 'roads', true, (on) => {
      layers.roads.visible = on;
    });
    board.addToggle('buildings', 'buildings', true, (on) => {
      layers.buildings.visible = on;
    });
    board.addToggle('paths', 'footpaths', true, (on) => {
      layers.paths.visible = on;
    });
    board.addToggle('parking', 'parking spaces', true, (on) => {
      layers.parking.visible = on;
    });
  })
  .catch((err: Error) => toast(`city: ${err.message}`));

// ── frame loop: copy state into the scene, render ────────────────────────────────────────────
let lastUi = 0;
let lastBoard = 0;
const scenarioName = document.getElementById('scenario-name') as HTMLSpanElement;
const attribution = document.getElementById('attribution') as HTMLDivElement;

function tick(now: number): void {
  requestAnimationFrame(tick);
  const zoom = rig.zoomFactor();
  actors.update(state, now, zoom);
  const selectedIndex = state.selected === null ? -1 : state.indexOf(state.selected);
  const selectedAt =
    selectedIndex >= 0 && state.isPlaced(selectedIndex) ? state.position(selectedIndex, now, here) : null;
  rig.update(rig.following !== null && selectedAt && rig.following === state.selected ? selectedAt : null);
  if (overlay) {
    overlay.updateHeat(state.heat, state.heatVersion);
    overlay.updateRoute(overlaysOn.route ? state.inspection : null, state.inspectionVersion);
    overlay.placeRing(selectedAt, 9 * zoom);
  }
  renderer.render(scene, rig.camera);
  renders++;
  if (renders === 1) timings.firstRender = performance.now();
  if (timings.firstFrameDrawn === undefined && state.frames > 0) timings.firstFrameDrawn = performance.now();
  if (now - lastUi > 200) {
    lastUi = now;
    timeline.render();
    if (state.hello) {
      scenarioName.title = state.hello.description;
      scenarioName.textContent = `${state.hello.scenario} · ${state.hello.city} · seed ${state.hello.seed}${client.connected ? '' : ' · disconnected'}`;
      attribution.textContent = `${state.hello.attribution}${detail === 'low' ? ' · low detail (software WebGL; ?detail=full for walls)' : ''}`;
    }
  }
  if (now - lastBoard > 1000) {
    lastBoard = now;
    board.render(actors.shapes);
  }
}
requestAnimationFrame(tick);
