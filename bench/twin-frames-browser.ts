import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/twin/chromium.ts';
import { startTwin } from '../test/twin/twin-process.ts';

const VIEWPORT = { width: 960, height: 600 };
const FRAMES = 20;

export interface FrameTiming {
  twinActorsOnly: number;
  twinFull: number;
  bare: number;
  /** Median over the rounds of bare ms / twin ms, each round's pair measured back to back. */
  ratio: number;
  ratios: number[];
  renderer: string;
}

/**
 * The baseline page: three.js, one InstancedMesh of `n` boxes spread over a city-sized extent,
 * every matrix rewritten each frame (as the twin does), the same renderer settings the twin uses
 * on a software renderer (no antialiasing, pixel ratio 1) and a similar camera.
 */
export function barePage(n: number): string {
  return `<!doctype html><html><body style="margin:0;overflow:hidden"><script type="module">
import * as THREE from '/three/three.module.js';
const renderer = new THREE.WebGLRenderer({ antialias: false });
renderer.setPixelRatio(1);
renderer.setSize(innerWidth, innerHeight);
document.body.append(renderer.domElement);
const scene = new THREE.Scene();
scene.background = new THREE.Color(0x0b1220);
scene.add(new THREE.HemisphereLight(0xdbeafe, 0x1e293b, 1.6));
const camera = new THREE.PerspectiveCamera(45, innerWidth / innerHeight, 5, 60000);
camera.position.set(0, 3000, 2400);
camera.lookAt(0, 0, 0);
const mesh = new THREE.InstancedMesh(new THREE.BoxGeometry(1, 1, 1), new THREE.MeshLambertMaterial(), ${n});
mesh.instanceMatrix.setUsage(THREE.DynamicDrawUsage);
mesh.frustumCulled = false;
scene.add(mesh);
const xs = new Float32Array(${n}), ys = new Float32Array(${n});
for (let i = 0; i < ${n}; i++) { xs[i] = (Math.sin(i * 12.9898) * 0.5) * 4000; ys[i] = (Math.cos(i * 78.233) * 0.5) * 2500; mesh.setColorAt(i, new THREE.Color(0x34d399)); }
const m = new THREE.Matrix4(), p = new THREE.Vector3(), q = new THREE.Quaternion(), s = new THREE.Vector3(6, 6, 6);
let frames = 0;
function tick(t) {
  requestAnimationFrame(tick);
  for (let i = 0; i < ${n}; i++) { p.set(xs[i] + Math.sin(t / 1000 + i), 3, ys[i]); m.compose(p, q, s); mesh.setMatrixAt(i, m); }
  mesh.instanceMatrix.needsUpdate = true;
  renderer.render(scene, camera);
  frames++;
}
requestAnimationFrame(tick);
window.bench = {
  get ready() { return frames > 2; },
  measureFrames(k) { return new Promise((resolve) => { let c = 0, s0 = 0; const f = (t) => { if (c === 0) s0 = t; if (c++ < k) requestAnimationFrame(f); else resolve((t - s0) / k); }; requestAnimationFrame(f); }); },
};
</script></body></html>`;
}

/** Serves the bare page and three.js's module files. */
async function bareServer(html: string): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith('/three/')) {
      const file = path.slice('/three/'.length).replace(/[^\w.]/g, '');
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(readFileSync(`node_modules/three/build/${file}`));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

async function timeTwin(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(
    () => (window as never as { citytwin?: { ready: boolean } }).citytwin?.ready === true,
    null,
    {
      timeout: 120_000,
    },
  );
  return page.evaluate(
    (k) =>
      (window as never as { citytwin: { measureFrames(k: number): Promise<number> } }).citytwin.measureFrames(
        k,
      ),
    FRAMES,
  );
}

async function timeBare(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(() => (window as never as { bench?: { ready: boolean } }).bench?.ready === true);
  return page.evaluate(
    (k) =>
      (window as never as { bench: { measureFrames(k: number): Promise<number> } }).bench.measureFrames(k),
    FRAMES,
  );
}

/** Rounds of (twin, bare) measured back to back; the ratio is the median of the rounds' ratios. */
const ROUNDS = 5;

/**
 * Mean ms per frame of the twin (actors only: city layers switched off by URL; and full) and of
 * the bare scene. They are measured in adjacent pairs, and the ratio taken per pair: on a shared
 * software renderer the load drifts by more than the difference being measured, and a pair sees
 * the same load. The ms figures are each side's best round.
 */
export async function measureInChromium(
  scenario: string,
  actors: number,
  html: string,
): Promise<FrameTiming> {
  const [twin, bare, browser] = await Promise.all([
    startTwin([scenario, '--start', '01:00', '--token', 'bench-token-1']),
    bareServer(html),
    launchChromium(),
  ]);
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const actorsOnly = `${twin.url}?roads=0&buildings=0&paths=0&parking=0&areas=0&heatmap=0`;
    let twinActorsOnly = Number.POSITIVE_INFINITY;
    let bareMs = Number.POSITIVE_INFINITY;
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const t = await timeTwin(page, actorsOnly);
      const b = await timeBare(page, bare.url);
      twinActorsOnly = Math.min(twinActorsOnly, t);
      bareMs = Math.min(bareMs, b);
      ratios.push(b / t);
    }
    ratios.sort((x, y) => x - y);
    const twinFull = await timeTwin(page, twin.url);
    const drawn = await page.evaluate(() =>
      Object.values(
        (window as never as { citytwin: { actors: Record<string, number> } }).citytwin.actors,
      ).reduce((s, v) => s + v, 0),
    );
    if (drawn !== actors) throw new Error(`twin drew ${drawn} actors, expected ${actors}`);
    const renderer = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const info = gl?.getExtension('WEBGL_debug_renderer_info');
      return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown';
    });
    const round = (v: number) => Math.round(v * 10) / 10;
    return {
      twinActorsOnly: round(twinActorsOnly),
      twinFull: round(twinFull),
      bare: round(bareMs),
      ratio: Math.round(ratios[Math.floor(ROUNDS / 2)] * 1000) / 1000,
      ratios: ratios.map((r) => Math.round(r * 1000) / 1000),
      renderer,
    };
  } finally {
    await browser.close();
    bare.close();
    await twin.stop();
  }
}
