import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { loadCity } from '../sim/city/index.ts';
import { Kernel } from '../sim/kernel/kernel.ts';
import { RandomStreams } from '../sim/kernel/random-streams.ts';
import { loadScenario } from '../sim/scenario/load-scenario.ts';
import { PositionFrames } from '../sim/twin/position-frames.ts';
import { Mobility } from '../sim/world/mobility.ts';
import { CHROMIUM_PATH } from '../test/twin/chromium.ts';
import type { BenchCase } from './bench-case.ts';
import { barePage, type FrameTiming, measureInChromium } from './twin-frames-browser.ts';

const MOVERS = 10_000;
const FRAMES = 60;
/** Sim seconds between frames: 10 frames per wall second at 10×. */
const FRAME_SIM_MS = 1_000;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Wire cost of position frames: 10 000 actors travelling real Monaco routes, sampled analytically
 * and encoded as the twin's binary frame, then emitted over a real socket.io connection on
 * loopback. Baseline: the same positions as a JSON array of {id, x, y} per frame.
 */
async function wireCase(): Promise<BenchCase> {
  const city = await loadCity({ osm: 'data/monaco.osm.pbf' });
  const kernel = new Kernel();
  const mobility = new Mobility(kernel, city);
  const stream = new RandomStreams(1).stream('bench:twin-frames');
  const ids: string[] = [];
  for (let i = 0; i < MOVERS; i++) {
    const id = `M${i}`;
    const from = stream.int(0, city.walk.nodeCount - 1);
    const to = stream.int(0, city.walk.nodeCount - 1);
    mobility.place(id, 'bike', { x: city.walk.x[from], y: city.walk.y[from] });
    mobility.travel(id, { x: city.walk.x[to], y: city.walk.y[to] }, () => {});
    ids.push(id);
  }
  const candidates = Uint32Array.from(ids.keys());

  const http = createServer();
  const server = new Server(http, { serveClient: false });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
    transports: ['websocket'],
  });
  let received = 0;
  client.on('frame', (b: ArrayBuffer) => {
    received += b.byteLength;
  });
  await new Promise<void>((r) => client.on('connect', r));

  const frames = new PositionFrames(MOVERS, 1);
  frames.encode(0, candidates, (i) => mobility.locate(ids[i], 0), true);
  const binaryMs: number[] = [];
  const jsonMs: number[] = [];
  let binaryBytes = 0;
  let jsonBytes = 0;
  let moving = 0;
  for (let f = 1; f <= FRAMES; f++) {
    const t = f * FRAME_SIM_MS;
    let start = performance.now();
    const buffer = frames.encode(t, candidates, (i) => mobility.locate(ids[i], t), false);
    server.volatile.emit('frame', buffer);
    binaryMs.push(performance.now() - start);
    binaryBytes += buffer.byteLength;
    moving += new DataView(buffer).getUint32(20, true);
    start = performance.now();
    const json = JSON.stringify(
      ids.map((id) => {
        const p = mobility.locate(id, t);
        return { id, x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 };
      }),
    );
    jsonMs.push(performance.now() - start);
    jsonBytes += Buffer.byteLength(json);
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 300));
  client.close();
  await new Promise<void>((r) => server.close(() => r()));
  binaryMs.sort((a, b) => a - b);
  jsonMs.sort((a, b) => a - b);
  const perActorBinary = binaryBytes / moving;
  const perActorJson = jsonBytes / (MOVERS * FRAMES);
  return {
    name: 'twin-frames-wire',
    figures: {
      movingActors: MOVERS,
      frames: FRAMES,
      bytesPerMovingActorPerFrame: Number(perActorBinary.toFixed(2)),
      jsonBytesPerActorPerFrame: Number(perActorJson.toFixed(2)),
      serverCpuMsPerFrameMean: Number((binaryMs.reduce((s, v) => s + v, 0) / FRAMES).toFixed(2)),
      serverCpuMsPerFrameP95: Number(percentile(binaryMs, 0.95).toFixed(2)),
      jsonCpuMsPerFrameMean: Number((jsonMs.reduce((s, v) => s + v, 0) / FRAMES).toFixed(2)),
      bytesReceivedOverSocketIo: received,
    },
    baseline: 'JSON {id, x, y} per actor, same positions',
    ratio: Number((perActorJson / perActorBinary).toFixed(2)),
    aim: '>= 2',
  };
}

/** A scenario of the twin-test city with `customers` static actors, written to a temp file. */
function benchScenario(customers: number): string {
  const scenario = loadScenario('test/twin/fixtures/twin-small.json') as unknown as Record<string, unknown>;
  const fleet = scenario.fleet as { customers: number };
  fleet.customers = customers;
  const path = join(tmpdir(), `citytwin-bench-${process.pid}.json`);
  writeFileSync(
    path,
    JSON.stringify({ ...scenario, city: { osm: join(process.cwd(), 'data/monaco.osm.pbf') } }),
  );
  return path;
}

/**
 * Frame time of the twin in headless Chromium (software WebGL) against a bare three.js scene with
 * one InstancedMesh of the same number of boxes, moved every frame, in the same browser and run.
 */
async function browserCase(): Promise<BenchCase> {
  const customers = 2_000;
  const drawn = customers + 9 + 40;
  if (!existsSync(CHROMIUM_PATH))
    return {
      name: 'twin-frames-browser',
      figures: { skipped: 'no /usr/bin/chromium (npm test installs it)' },
    };
  const scenario = benchScenario(customers);
  let timing: FrameTiming;
  try {
    timing = await measureInChromium(scenario, drawn, barePage(drawn));
  } finally {
    rmSync(scenario, { force: true });
  }
  return {
    name: 'twin-frames-browser',
    figures: {
      actors: drawn,
      twinActorsOnlyMsPerFrame: timing.twinActorsOnly,
      twinFullMsPerFrame: timing.twinFull,
      bareInstancedMeshMsPerFrame: timing.bare,
      ratioPerRound: timing.ratios.join(' '),
      renderer: timing.renderer,
    },
    baseline: 'bare three.js InstancedMesh scene, same N, same browser (median of back-to-back pairs)',
    ratio: timing.ratio,
    aim: '>= 0.67 (twin within 1.5× of bare)',
  };
}

export async function run(): Promise<BenchCase[]> {
  return [await wireCase(), await browserCase()];
}
