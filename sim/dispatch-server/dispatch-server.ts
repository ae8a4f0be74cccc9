import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { Limits } from '../../adapters/socketio/wire-protocol.ts';
import type { DispatchInput } from '../../machines/dispatch.ts';
import { UserError } from '../cli/user-error.ts';
import { stableStringify } from '../kernel/stable-json.ts';
import { CommandPipeline } from './command-pipeline.ts';
import { DispatchHost } from './dispatch-host.ts';
import { dispatchQueries } from './dispatch-queries.ts';
import type { FlowRegistry } from './flow-registry.ts';
import { httpHandler } from './http-endpoints.ts';
import { Journal, type SyncMode } from './journal.ts';
import { JournalCheckpointer } from './journal-checkpointer.ts';
import { presentedKeyCheck } from './key-check.ts';
import type { RouteQuoter } from './route-quoter.ts';
import { ServerMetrics } from './server-metrics.ts';
import { type DispatchIo, SocketGateway } from './socket-gateway.ts';

export interface DispatchServerOptions {
  readonly host: string;
  /** 0 picks a free port; the running server reports the one it got. */
  readonly port: number;
  readonly dbPath: string;
  readonly secret: string;
  readonly sync: SyncMode;
  readonly input: DispatchInput;
  readonly quoter: RouteQuoter;
  readonly limits: Limits;
  readonly maxQueue: number;
  /** Refuse new messages (`overloaded`) when the queue would take longer than this to drain (ms). */
  readonly maxWaitMs: number;
  readonly keepFinishedOrders: number;
  /** How often (ms) delayed transitions are run between commands. */
  readonly tickMs: number;
  /** The flows beyond errands (stores, cars, beacons, signing key); absent: errands only. */
  readonly flows?: FlowRegistry;
}

export interface RunningDispatchServer {
  readonly url: string;
  readonly port: number;
  readonly replayed: number;
  readonly replayMs: number;
  /** Graceful stop: refuse new messages, finish the queued batch, close sockets, fold the WAL. */
  close(): Promise<void>;
}

/** Settings stored in the journal: a replay must use the fees and timings the commands ran under. */
function settledInput(journal: Journal, input: DispatchInput, issuerHex: string): DispatchInput {
  // the signing key is a handle: it is described by its public half (the rest is plain data)
  const flows = input.flows && { ...input.flows, keys: issuerHex };
  const wanted = stableStringify({ ...input, flows });
  const stored = journal.getMeta('dispatch.input');
  if (stored === undefined) {
    journal.setMeta('dispatch.input', wanted);
    return input;
  }
  if (stored !== wanted)
    throw new UserError(
      '--db: the journal was written under other dispatch settings (scenario fees or timings); use the same --scenario or a new --db',
    );
  return input;
}

/**
 * Starts the dispatch server: opens (or creates) the journal, rebuilds dispatch by replaying it,
 * then serves socket.io and HTTP on one port. Resolves once it is listening.
 */
export async function startDispatchServer(options: DispatchServerOptions): Promise<RunningDispatchServer> {
  const journal = new Journal(options.dbPath, options.sync);
  let input: DispatchInput;
  try {
    input = settledInput(journal, options.input, options.flows?.issuerPublicKeyHex ?? '');
  } catch (err) {
    journal.close();
    throw err;
  }
  const host = new DispatchHost(
    input,
    options.quoter,
    journal.answers(),
    options.keepFinishedOrders,
    options.flows,
  );
  const metrics = new ServerMetrics();
  let gateway: SocketGateway | undefined;
  const pipeline = new CommandPipeline(
    journal,
    host,
    metrics,
    (outbound) => gateway?.deliver(outbound),
    dispatchQueries(host, options.limits, options.flows?.issuerPublicKeyHex),
  );
  const replayStarted = performance.now();
  try {
    metrics.replayedEntries = pipeline.replay();
  } catch (err) {
    journal.close();
    throw new Error(`replaying the journal ${options.dbPath} failed: ${(err as Error).message}`);
  }
  metrics.replayMs = Math.round(performance.now() - replayStarted);
  journal.deferCheckpoints();
  const checkpointer = new JournalCheckpointer(options.dbPath);

  let stopping = false;
  const status = () => (pipeline.failure ? `failed: ${pipeline.failure}` : stopping ? 'stopping' : 'ok');
  const currentSeq = () => pipeline.lastSeq;
  const http = createServer(
    httpHandler({
      secret: options.secret,
      host,
      status,
      seq: currentSeq,
      metrics: () =>
        metrics.snapshot(
          currentSeq(),
          {
            ordersByStep: host.orders.stepCounts(),
            openOrders: host.context.orders.size,
            couriersOnline: host.locator.online,
            escrow: host.escrow(),
            invariantViolations: host.violations().length,
            paymentMovements: host.paymentMovements,
            queued: pipeline.queued,
          },
          { orders: host.orders.flowStates(), counters: host.flowCounters() },
        ),
    }),
  );
  const io: DispatchIo = new Server(http, { serveClient: false, maxHttpBufferSize: 1_000_000 });
  gateway = new SocketGateway(io, journal, () => pipeline, metrics, {
    secret: options.secret,
    limits: options.limits,
    maxQueue: options.maxQueue,
    maxWaitMs: options.maxWaitMs,
    authorise: options.flows && presentedKeyCheck(options.flows.crypto, options.flows.issuerPublicKey),
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (err: NodeJS.ErrnoException) => {
      checkpointer.terminate();
      reject(
        err.code === 'EADDRINUSE'
          ? new UserError(`--port: ${options.port} is already in use on ${options.host}`)
          : err,
      );
    });
    http.listen(options.port, options.host, () => resolve());
  });
  const tick = setInterval(() => pipeline.tick(), options.tickMs);
  const port = (http.address() as AddressInfo).port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stopping = true;
      if (gateway) gateway.accepting = false;
      clearInterval(tick);
      pipeline.flushAll();
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        http.closeAllConnections();
      });
      host.stop();
      await checkpointer.stop();
      journal.close();
    })();
    return closing;
  };
  return { url, port, replayed: metrics.replayedEntries, replayMs: metrics.replayMs, close };
}
