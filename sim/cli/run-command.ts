import { loadScenario } from '../scenario/load-scenario.ts';
import { systemWallClock } from '../twin/wall-clock.ts';
import { RealDevices } from '../world/real-devices.ts';
import { RemoteDispatch } from '../world/remote-dispatch.ts';
import { formatSimTime, parseDuration } from '../world/time-of-day.ts';
import type { RunResult } from '../world/world.ts';
import { loadWorld } from './load-world.ts';
import { ProgressBar } from './progress-bar.ts';
import { UserError } from './user-error.ts';

export interface RunOptions {
  seed?: number;
  until: string;
  json?: boolean;
  log?: string;
  /** Hybrid runs only: sim seconds per wall second. */
  speed?: string;
}

function untilMs(text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    throw new UserError(`--until: ${(err as Error).message}`);
  }
}

/** Formats the human summary a planner reads after a run. */
export function formatSummary(r: RunResult & { wallSeconds: number }): string {
  const k = r.kpis;
  const lines = [
    `run: seed ${r.seed}, ${formatSimTime(r.simSeconds * 1000)} simulated in ${r.wallSeconds.toFixed(2)} s wall (${Math.round(r.simSeconds / Math.max(r.wallSeconds, 1e-9))}× real time)`,
    `orders: ${k.orders.created} created, ${k.orders.completed} completed, ${k.orders.cancelled} cancelled, ${k.orders.refunded} refunded, ${k.orders.open} open`,
  ];
  for (const [flow, c] of Object.entries(k.byFlow))
    lines.push(
      `  ${flow.padEnd(9)} ${c.created} created, ${c.completed} completed, ${c.cancelled} cancelled, ${c.refunded} refunded, ${c.open} open`,
    );
  lines.push(
    `wait (created → assigned): mean ${k.waitMinutes.mean} min, p50 ${k.waitMinutes.p50}, p95 ${k.waitMinutes.p95}`,
    `fulfilment (created → completed): mean ${k.fulfilmentMinutes.mean} min, p50 ${k.fulfilmentMinutes.p50}, p95 ${k.fulfilmentMinutes.p95}`,
    `on time: ${(k.onTimeRate * 100).toFixed(1)} %   courier utilisation: ${(k.courierUtilization * 100).toFixed(1)} %`,
    `escrow (cents): held ${k.escrow.held}, released ${k.escrow.released}, refunded ${k.escrow.refunded}, commission ${k.escrow.commission}, still held ${k.escrow.stillHeld}`,
    `invariant violations: ${k.invariantViolations}${k.violations.length ? `\n  ${k.violations.join('\n  ')}` : ''}`,
    `events: ${r.events}   event log sha256: ${r.eventLogHash}`,
  );
  return `${lines.join('\n')}\n`;
}

/** `citytwin run`: one deterministic run, as fast as possible. */
export async function runCommand(path: string, options: RunOptions): Promise<void> {
  const until = untilMs(options.until);
  const scenario = loadScenario(path);
  const speed = Number(options.speed ?? '1');
  if (!(speed > 0 && speed <= 10_000))
    throw new UserError(`--speed: expected a number above 0 up to 10000, got "${options.speed}"`);
  const started = performance.now();
  const remoteDispatch = await RemoteDispatch.open(scenario.adapters);
  const devices = await RealDevices.connect(scenario.adapters).catch(async (err) => {
    await remoteDispatch?.close();
    throw err;
  });
  const world = await loadWorld(path, scenario, {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.log ? { logPath: options.log } : {}),
    ...(devices ? { devices } : {}),
    ...(remoteDispatch ? { remoteDispatch } : {}),
  }).catch(async (err) => {
    await devices?.close();
    await remoteDispatch?.close();
    throw err;
  });
  await remoteDispatch?.connectPopulation(world.population).catch(async (err) => {
    await world.close();
    throw err;
  });
  const hybrid = devices !== undefined || remoteDispatch !== undefined;
  const bar = new ProgressBar(until, hybrid ? 'hybrid run' : 'simulating');
  if (hybrid) {
    // a real device or a remote dispatch server answers in wall time, so the world runs paced to it
    const real = [
      ...(devices?.describe() ?? []),
      ...(remoteDispatch ? [`dispatch over ${remoteDispatch.url}`] : []),
    ];
    process.stderr.write(`hybrid run at ${speed}× wall time: ${real.join(', ')}\n`);
    world.kernel.setSpeed(speed);
    await world.kernel.runPaced(until, systemWallClock, 20, (now) => bar.update(now, formatSimTime(now)));
  } else world.run(until, (now) => bar.update(now, formatSimTime(now)));
  bar.finish();
  const result = {
    ...world.result(until / 1000),
    ...(devices ? { devices: devices.stats() } : {}),
    ...(remoteDispatch ? { remoteDispatch: remoteDispatch.report() } : {}),
  };
  await world.close();
  const wallSeconds = Math.round((performance.now() - started) / 10) / 100;
  const out = { ...result, until: options.until, wallSeconds };
  if (options.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    process.stdout.write(formatSummary({ ...result, wallSeconds }));
    if (result.devices) process.stdout.write(`devices: ${JSON.stringify(result.devices)}\n`);
    if (result.remoteDispatch)
      process.stdout.write(
        `remote dispatch (errand orders are on the server): ${JSON.stringify(result.remoteDispatch)}\n`,
      );
  }
  if (result.kpis.invariantViolations > 0) process.exitCode = 2;
}
