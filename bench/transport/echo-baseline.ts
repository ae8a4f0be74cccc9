import { spawn } from 'node:child_process';
import type { LatencySummary } from '../../sim/dispatch-server/latency-histograms.ts';
import { startListening } from '../listening-process.ts';

const here = (file: string) => new URL(file, import.meta.url).pathname;

/** What the bare transport did with the position stream's shape. */
export interface TransportFigures {
  readonly ackedPerS: number;
  readonly latencyMs: LatencySummary;
  /** Echo server CPU over the run per acked message (ms). */
  readonly serverCpuMsPerMessage: number;
  /** Echo client CPU over the run per acked message (ms). */
  readonly clientCpuMsPerMessage: number;
}

const cpuOf = async (url: string) =>
  ((await (await fetch(`${url}/cpu`)).json()) as { cpuSeconds: number }).cpuSeconds;

const startEchoServer = () => startListening('echo server', ['--import', 'tsx', here('./echo-server.ts')]);

function runEchoClient(url: string, couriers: number, perSecond: number, seconds: number) {
  const args = [
    '--import',
    'tsx',
    here('./echo-client.ts'),
    url,
    String(couriers),
    String(perSecond),
    String(seconds),
  ];
  const child = spawn(process.execPath, args);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise<{ ackedPerS: number; latencyMs: LatencySummary; cpuSeconds: number }>(
    (resolve, reject) =>
      child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err)))),
  );
}

/**
 * The baseline of the position stream: the same connections and rate through bare socket.io (an
 * echo server that acks at once), server and client each in their own process as in the real
 * run. Whatever latency and CPU this shows, no server behind socket.io can do better on this
 * machine, so the dispatch server's figures are read against it.
 */
export async function measureTransport(
  couriers: number,
  perSecond: number,
  seconds: number,
): Promise<TransportFigures> {
  const server = await startEchoServer();
  try {
    const before = await cpuOf(server.url);
    const client = await runEchoClient(server.url, couriers, perSecond, seconds);
    const after = await cpuOf(server.url);
    const acked = Math.max(1, client.latencyMs.count);
    return {
      ackedPerS: client.ackedPerS,
      latencyMs: client.latencyMs,
      serverCpuMsPerMessage: Number((((after - before) * 1000) / acked).toFixed(3)),
      clientCpuMsPerMessage: Number(((client.cpuSeconds * 1000) / acked).toFixed(3)),
    };
  } finally {
    await server.stop();
  }
}
