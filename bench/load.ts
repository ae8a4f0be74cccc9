import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadReport } from '../sim/load/load-report.ts';
import type { BenchCase } from './bench-case.ts';
import { startListening } from './listening-process.ts';
import { measureTransport, type TransportFigures } from './transport/echo-baseline.ts';

const BIN = new URL('../bin/citytwin.js', import.meta.url).pathname;
const SECRET = 'bench-load-secret-0f3e9b2c';
const env = { ...process.env, CITYTWIN_DISPATCH_SECRET: SECRET };

interface Shape {
  readonly name: string;
  readonly couriers: number;
  readonly customers: number;
  readonly rate: number;
  /** Orders/s of the other flows (trunk deliveries, preorders, rentals) beside the errands. */
  readonly flowRate: number;
  readonly positions: number;
}

/** Server-side receipt-to-ack p99 (ms) per type, from `/metrics`. */
type ServerLatency = Record<string, { p99: number }>;

/** What the bench reads from the server's `/metrics`. */
interface ServerFigures {
  readonly cpuSeconds: number;
  readonly latencyMs: ServerLatency;
  readonly messages: { readonly accepted: Record<string, number> };
}

const serverFigures = async (url: string) => (await (await fetch(`${url}/metrics`)).json()) as ServerFigures;

/** Starts a dispatch server on a fresh journal (durable: WAL, journaled before every ack). */
const startServer = (db: string) =>
  startListening('dispatch-server', [BIN, 'dispatch-server', '--port', '0', '--db', db], env);

/** Runs the load driver in its own process and returns its JSON report. */
function load(url: string, shape: Shape, seconds: number): Promise<LoadReport> {
  const args = [
    BIN,
    'load',
    '--target',
    url,
    '--json',
    '--seed',
    '1',
    '--duration',
    `${seconds}s`,
    '--couriers',
    String(shape.couriers),
    '--customers',
    String(shape.customers),
    '--rate',
    String(shape.rate),
    '--flow-rate',
    String(shape.flowRate),
    '--positions',
    String(shape.positions),
    '--connect-concurrency',
    '100',
  ];
  const child = spawn(process.execPath, args, { env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as LoadReport) : reject(new Error(err)),
    ),
  );
}

/**
 * One load run on a fresh journal: the driver's report, the server's latencies, and the server's
 * CPU over the run (ms, connections included) with the commands it accepted, because on a shared
 * machine CPU per command is steadier than throughput.
 */
async function measure(
  shape: Shape,
  seconds: number,
): Promise<{ report: LoadReport; server: ServerLatency; cpuMs: number; accepted: Record<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'citytwin-bench-load-'));
  const server = await startServer(join(dir, 'journal.sqlite'));
  try {
    const before = await serverFigures(server.url);
    const report = await load(server.url, shape, seconds);
    const after = await serverFigures(server.url);
    return {
      report,
      server: after.latencyMs,
      cpuMs: (after.cpuSeconds - before.cpuSeconds) * 1000,
      accepted: after.messages.accepted,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const p99 = (r: LoadReport, type: string) => r.latencyMs[type]?.p99 ?? 0;
const errors = (r: LoadReport) => Object.values(r.errors).reduce((a, b) => a + b, 0);
/** Error acks by kind, most frequent first, e.g. `overloaded 812, timeout 3` (or `none`). */
const errorKinds = (r: LoadReport) =>
  Object.entries(r.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ') || 'none';
/** Order-opening commands of the other flows the server acknowledged, per second of the run. */
const OTHER_FLOW_ORDERS = ['trunk.order', 'preorder.place', 'rental.request'];
const otherFlowOrdersPerS = (r: LoadReport) =>
  Math.round((OTHER_FLOW_ORDERS.reduce((n, t) => n + (r.latencyMs[t]?.count ?? 0), 0) / r.durationS) * 10) /
  10;

/**
 * The bare transport's figures beside the server's: what socket.io alone achieves with the same
 * connections and rate, and how many times the transport's CPU per message the dispatch server
 * spends (journal, validation and dispatch on top of socket.io).
 */
function transportFigures(t: TransportFigures, serverCpuMsPerAccepted: number): Record<string, number> {
  return {
    transportAckedPerSec: t.ackedPerS,
    transportP99Ms: t.latencyMs.p99,
    transportServerCpuMsPerMessage: t.serverCpuMsPerMessage,
    transportClientCpuMsPerMessage: t.clientCpuMsPerMessage,
    serverCpuOverTransport: Number((serverCpuMsPerAccepted / t.serverCpuMsPerMessage).toFixed(2)),
  };
}

/**
 * The dispatch server under load over loopback, the driver in a separate process, the journal
 * durable (every command in SQLite before its ack). Three runs on fresh journals: position
 * streaming at the issue's aim (500 couriers × 10/s = 5 000/s), orders offered at the aim
 * (1 000/s) to find the sustained accepted rate, and orders at 100/s to see latency below
 * saturation; each with the other flows' orders (trunk deliveries, preorders, rentals) mixed in
 * at `--flow-rate`. p99 is the driver's (send to ack, as a client feels it) beside the server's own.
 * The position run is followed by the same stream through bare socket.io (`transport/`), the floor
 * under any socket.io server on this machine.
 */
export async function run(): Promise<BenchCase[]> {
  const seconds = 8;
  const runs: { label: string; shape: Shape; what: 'positions' | 'orders'; offered: number }[] = [
    {
      label: 'positions',
      shape: { name: 'positions', couriers: 500, customers: 20, rate: 1, flowRate: 1, positions: 10 },
      what: 'positions',
      offered: 5000,
    },
    {
      label: 'orders offered at the aim',
      shape: { name: 'orders', couriers: 100, customers: 2000, rate: 1000, flowRate: 50, positions: 1 },
      what: 'orders',
      offered: 1000,
    },
    {
      label: 'orders below saturation',
      shape: { name: 'orders', couriers: 100, customers: 1000, rate: 100, flowRate: 10, positions: 1 },
      what: 'orders',
      offered: 100,
    },
  ];
  const cases: BenchCase[] = [];
  for (const r of runs) {
    const m = await measure(r.shape, seconds);
    // the bare transport with the same stream, right after (the host's speed drifts by the minute)
    const transport =
      r.what === 'positions'
        ? await measureTransport(r.shape.couriers, r.shape.positions, seconds)
        : undefined;
    const type = r.what === 'positions' ? 'courier.position' : 'errand.publish';
    const accepted =
      r.what === 'positions' ? m.report.throughput.positionsPerS : m.report.throughput.ordersPublishedPerS;
    const aim = r.what === 'positions' ? 5000 : 1000;
    cases.push({
      name: `dispatch-server ${r.label}`,
      figures: {
        offeredPerSec: r.offered,
        acceptedPerSec: accepted,
        p99Ms: p99(m.report, type),
        serverP99Ms: m.server[type]?.p99 ?? 0,
        /** Server CPU over the run per accepted command of this type (all other work included). */
        serverCpuMsPerAccepted: Number((m.cpuMs / Math.max(1, m.accepted[type] ?? 0)).toFixed(3)),
        /** Driver p99 over the 50 ms aim: at or below 1 meets it. */
        p99OverAim: Number((p99(m.report, type) / 50).toFixed(3)),
        otherFlowOrdersAckedPerSec: otherFlowOrdersPerS(m.report),
        commandsPerSec: m.report.throughput.commandsPerS,
        skippedBacklog: m.report.commands.skipped,
        errors: errors(m.report),
        errorKinds: errorKinds(m.report),
        protocolErrors: m.report.protocolErrors,
        driverCpuMsPerCommand: Number(
          ((m.report.driverCpuS * 1000) / Math.max(1, m.report.commands.acked)).toFixed(3),
        ),
        ...(transport ? transportFigures(transport, m.cpuMs / Math.max(1, m.accepted[type] ?? 0)) : {}),
      },
      baseline: `aim: ${aim} accepted ${r.what === 'positions' ? 'position updates' : 'orders'}/s`,
      ratio: Number((accepted / aim).toFixed(3)),
      aim: '>= 1, p99 < 50 ms',
    });
  }
  return cases;
}
