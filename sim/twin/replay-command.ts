import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { basename, join } from 'node:path';
import { compileCoverageArea } from '../city/coverage-area.ts';
import { UserError } from '../cli/user-error.ts';
import { scenarioCity } from '../load/scenario-city.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { formatSimTime } from '../world/time-of-day.ts';
import { encodeCityGeometry } from './city-geometry.ts';
import { scenarioHomes } from './replay-homes.ts';
import { ReplayIndex } from './replay-index.ts';
import { ReplayLayout, reportsInCity } from './replay-layout.ts';
import { readReplayLog } from './replay-log.ts';
import { ReplayView } from './replay-view.ts';
import { ReplayWorld } from './replay-world.ts';
import { type RunningTwin, startTwinServer } from './twin-server.ts';
import { builtViewer, devViewer, ensureViewerBuilt, type ViewerAssets } from './viewer-assets.ts';
import { systemWallClock } from './wall-clock.ts';
import { SPEED_MAX, SPEED_MIN, WIRE_VERSION } from './wire.ts';

export interface ReplayServeOptions {
  readonly port: number;
  readonly host: string;
  readonly speed: number;
  readonly token: string;
  readonly frameIntervalMs: number;
  /** Serves the viewer (built bundle or vite's dev server), as `citytwin serve` does. */
  readonly assets: (server: HttpServer) => Promise<ViewerAssets>;
  readonly log: (line: string) => void;
  /** The seed the logged run used (default: the scenario's), to stand its actors where that run had them. */
  readonly seed?: number;
}

/** `3 couriers`, `1 fault`, `85 entries`. */
function count(n: number, what: string): string {
  if (n === 1) return `1 ${what}`;
  return `${n} ${what.endsWith('y') ? `${what.slice(0, -1)}ies` : `${what}s`}`;
}

/** The seed in a check log's name (`citytwin-check-4242.jsonl`), if it has one. */
function seedInName(logPath: string): number | undefined {
  const seed = /-(\d+)\.jsonl$/.exec(basename(logPath))?.[1];
  return seed === undefined ? undefined : Number(seed);
}

/**
 * `citytwin serve --log <file>`: opens a recorded event log in the twin instead of running a
 * scenario — a failing `citytwin check` run, or a `citytwin run --log` day. The scenario gives the
 * map only. The log is read and indexed before the port opens (a bad line fails fast, with its
 * number); then the replay plays from the log's first entry at `--speed`, under the same controls
 * and token as a live run.
 */
export async function serveReplay(
  logPath: string,
  scenarioPath: string,
  options: ReplayServeOptions,
): Promise<RunningTwin> {
  const index = new ReplayIndex(await readReplayLog(logPath));
  const scenario = loadScenario(scenarioPath);
  const city = await scenarioCity(scenarioPath, scenario);
  const areas = scenario.coverageAreas.map((a) => ({
    id: a.id,
    area: compileCoverageArea(a.geometry, city.projection),
  }));
  const geometry = encodeCityGeometry(city, areas);
  // a run log of this scenario: its actors stand where the world placed them; a check log: in groups
  const homes = reportsInCity(index, city.bbox)
    ? await scenarioHomes(scenario, city, options.seed ?? scenario.seed)
    : undefined;
  const layout = new ReplayLayout(index, city.bbox, homes);
  const name = `replay of ${basename(logPath)}`;
  const replay = new ReplayWorld(new ReplayView(index, layout), index.endTime, {
    name,
    seed: options.seed ?? seedInName(logPath) ?? scenario.seed,
    speed: options.speed,
    sliceMs: options.frameIntervalMs,
    wall: systemWallClock,
  });
  const running = await startTwinServer({
    live: replay,
    city: () => geometry,
    token: options.token,
    host: options.host,
    port: options.port,
    wall: systemWallClock,
    assets: options.assets,
    hello: () => ({
      version: WIRE_VERSION,
      scenario: name,
      description: `${index.entries.length} log entries from ${formatSimTime(index.startTime)} to ${formatSimTime(index.endTime)}, on the map of ${scenario.name}`,
      city: city.name,
      attribution: city.attribution,
      seed: replay.currentSeed,
      bbox: { ...city.bbox },
      areas: scenario.coverageAreas.map((a) => ({ id: a.id, name: a.name ?? a.id })),
      frameIntervalMs: options.frameIntervalMs,
      speedRange: [SPEED_MIN, SPEED_MAX],
      span: { start: 0, end: index.endTime },
      replay: true,
    }),
  });
  const counts = new Map<string, number>();
  for (const a of layout.actors) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  const faults = index.entries.filter((e) => e.kind === 'fault').length;
  const kinds = [...counts].map(([kind, n]) => count(n, kind)).join(', ');
  const entries = `${count(index.entries.length, 'entry')}, ${count(faults, 'fault')}`;
  options.log(`citytwin serve --log ${logPath}: ${entries}; ${kinds}`);
  return running;
}

/** `serve`'s default scenario, relative to the working directory. */
const DEFAULT_MAP = 'scenarios/monaco.json';

export interface ReplayCliOptions {
  readonly port: number;
  readonly host: string;
  readonly speed: number;
  readonly token: string;
  readonly dev: boolean;
  readonly seed?: number;
  readonly frameIntervalMs: number;
  /** The repository root (where twin-ui/ and the built viewer live). */
  readonly root: string;
}

/** The CLI side of `serve --log`: serves, prints where to look and the token, runs until Ctrl-C. */
export async function replayCommand(
  logPath: string,
  scenarioPath: string,
  options: ReplayCliOptions,
): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  let running: RunningTwin;
  try {
    // run from elsewhere (where a check wrote its log), the default map is the package's own
    const map =
      scenarioPath === DEFAULT_MAP && !existsSync(scenarioPath)
        ? join(options.root, DEFAULT_MAP)
        : scenarioPath;
    running = await serveReplay(logPath, map, {
      ...options,
      log,
      // built once the log has been read, so a bad log fails before a slow first build
      assets: async (server) =>
        options.dev
          ? devViewer(options.root, server)
          : builtViewer(await ensureViewerBuilt(options.root, log)),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UserError(`--port: ${options.port} is already in use (pass --port 0 for a free one)`);
    if (code === 'EADDRNOTAVAIL')
      throw new UserError(`--host: ${options.host} is not an address of this machine`);
    throw err;
  }
  log(`viewer: ${running.url}`);
  log(`control: ${running.url}?token=${options.token}`);
  log(`token: ${options.token}  (pause, speed, seek and reload to the start need it; viewing does not)`);
  log(
    `replaying at ${options.speed}× real time; it stops at the log's end, play starts over (Ctrl-C to stop)`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await running.close();
}
