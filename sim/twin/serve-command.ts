import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWorld } from '../cli/load-world.ts';
import { UserError } from '../cli/user-error.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { refuseAdapters } from '../scenario/refuse-adapters.ts';
import { RealDevices } from '../world/real-devices.ts';
import { clockToMs, formatSimTime, parseDuration } from '../world/time-of-day.ts';
import { World } from '../world/world.ts';
import { type CityGeometry, encodeCityGeometry } from './city-geometry.ts';
import { LiveWorld, type WorldFactory } from './live-world.ts';
import { replayCommand } from './replay-command.ts';
import { startTwinServer } from './twin-server.ts';
import { builtViewer, devViewer, ensureViewerBuilt } from './viewer-assets.ts';
import { systemWallClock } from './wall-clock.ts';
import { SPEED_MAX, SPEED_MIN, WIRE_VERSION } from './wire.ts';

export interface ServeOptions {
  seed?: number;
  port: number;
  host: string;
  speed: string;
  start: string;
  token?: string;
  dev?: boolean;
  /** An event log to replay instead of running the scenario (which then gives the map only). */
  log?: string;
}

/** Wall ms between slices of the paced run, and so between position frames (10 per second). */
const FRAME_INTERVAL_MS = 100;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function parseSpeed(text: string): number {
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed < SPEED_MIN || speed > SPEED_MAX)
    throw new UserError(`--speed: expected a number from ${SPEED_MIN} to ${SPEED_MAX}, got "${text}"`);
  return speed;
}

function parseStart(text: string): number {
  if (/^\d{1,2}:\d{2}$/.test(text)) {
    const ms = clockToMs(text.padStart(5, '0'));
    if (ms <= 86_400_000) return ms;
  }
  try {
    return parseDuration(text);
  } catch {
    throw new UserError(`--start: expected a time of day like 08:00 or a duration like 8h, got "${text}"`);
  }
}

function parsePort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UserError(`--port: expected an integer from 0 to 65535, got ${port}`);
  return port;
}

function kindCounts(world: World): string {
  const counts = new Map<string, number>();
  for (const { kind } of world.actorIds()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`).join(', ');
}

/**
 * `citytwin serve`: runs the scenario paced to wall time × speed and serves the 3D viewer. The
 * world is built once before the port opens; the run then fast-forwards to `--start` (viewers see
 * the progress) and continues in real time. Prints the viewer URL and the control token.
 */
export async function serveCommand(scenarioPath: string, options: ServeOptions): Promise<void> {
  const speed = parseSpeed(options.speed);
  const startMs = parseStart(options.start);
  const port = parsePort(options.port);
  const token = options.token ?? randomBytes(12).toString('hex');
  if (token.length < 8) throw new UserError('--token: expected at least 8 characters');
  if (options.log !== undefined) {
    const replay = {
      port,
      host: options.host,
      speed,
      token,
      dev: options.dev === true,
      seed: options.seed,
      root: ROOT,
    };
    return replayCommand(options.log, scenarioPath, { ...replay, frameIntervalMs: FRAME_INTERVAL_MS });
  }
  const scenario = loadScenario(scenarioPath);
  refuseAdapters(scenario.adapters, ['socketio'], 'citytwin serve', 'the twin runs dispatch itself');
  const log = (line: string) => process.stdout.write(`${line}\n`);

  const createWorld: WorldFactory = async (s, seed, reuse) => {
    // real devices (a hybrid run) are connected per world; the world closes them with itself
    const devices = await RealDevices.connect(s.adapters);
    const options = { seed, ...(devices ? { devices } : {}) };
    if (devices) log(`hybrid run: ${devices.describe().join(', ')} (paced to wall time)`);
    if (reuse && JSON.stringify(reuse.scenario.city) === JSON.stringify(s.city))
      return new World(s, reuse.city, options);
    return loadWorld(scenarioPath, s, options);
  };
  const live = new LiveWorld({
    scenario,
    seed: options.seed ?? scenario.seed,
    startMs,
    speed,
    sliceMs: FRAME_INTERVAL_MS,
    wall: systemWallClock,
    createWorld,
    readScenario: () => loadScenario(scenarioPath),
    onFailure: (err) => process.stderr.write(`twin: the run stopped (paused): ${err.stack ?? err.message}\n`),
  });
  let geometry: { city: unknown; areas: unknown; encoded: CityGeometry } | null = null;
  const city = (): CityGeometry => {
    const w = live.world;
    if (!geometry || geometry.city !== w.city || geometry.areas !== w.areas)
      geometry = { city: w.city, areas: w.areas, encoded: encodeCityGeometry(w.city, w.areas) };
    return geometry.encoded;
  };
  const viewerDir = options.dev ? null : await ensureViewerBuilt(ROOT, log);
  let running: Awaited<ReturnType<typeof startTwinServer>>;
  try {
    running = await startTwinServer({
      live,
      city,
      token,
      host: options.host,
      port,
      wall: systemWallClock,
      assets: (server) => (viewerDir ? Promise.resolve(builtViewer(viewerDir)) : devViewer(ROOT, server)),
      hello: () => ({
        version: WIRE_VERSION,
        scenario: live.scenarioName,
        description: live.scenarioDescription,
        city: live.world.city.name,
        attribution: live.world.city.attribution,
        seed: live.currentSeed,
        bbox: { ...live.world.city.bbox },
        areas: live.world.scenario.coverageAreas.map((a) => ({ id: a.id, name: a.name ?? a.id })),
        frameIntervalMs: FRAME_INTERVAL_MS,
        speedRange: [SPEED_MIN, SPEED_MAX],
      }),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new UserError(`--port: ${port} is already in use (pass --port 0 for a free one)`);
    if ((err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL')
      throw new UserError(`--host: ${options.host} is not an address of this machine`);
    throw err;
  }
  log(`citytwin serve: ${live.scenarioName}, seed ${live.currentSeed}: ${kindCounts(live.world)}`);
  log(`viewer: ${running.url}`);
  log(`control: ${running.url}?token=${token}`);
  log(`token: ${token}  (pause, speed, seek and reload need it; viewing does not)`);
  log(
    `running from ${formatSimTime(startMs)} at ${speed}× real time${options.dev ? ', viewer from vite dev server' : ''} (Ctrl-C to stop)`,
  );
  log(live.world.city.attribution);
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().then(resolveStop, resolveStop);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
