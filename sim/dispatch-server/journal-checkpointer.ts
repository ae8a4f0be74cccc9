import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program (plain CommonJS: a worker does not inherit the tsx loader). It opens
 * its own connection to the journal and folds the WAL into the database file on a timer.
 */
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const fold = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(fold, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
`;

/**
 * Checkpoints the journal's WAL from a worker thread. A checkpoint copies the WAL into the database
 * file and fsyncs both, which can take tens of milliseconds on a busy disk; SQLite's automatic
 * checkpoint would run it inside a commit, on the event loop, stalling every socket and ack behind
 * it. A PASSIVE checkpoint on another connection never blocks the writer, and commits stay as
 * durable as before (WAL, synchronous as configured): only when the copying happens moves.
 */
export class JournalCheckpointer {
  private readonly worker: Worker;

  constructor(path: string, everyMs = 500) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(PROGRAM, { eval: true, workerData: { path, driver, everyMs } });
    // a failing checkpointer only lets the WAL grow until the writer's own backstop folds it
    this.worker.on('error', () => {});
    this.worker.unref();
  }

  /** Stops the worker and waits until its connection is closed. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // held while stopping: with sockets closed the worker may be all that keeps the process alive
    this.worker.ref();
    this.worker.postMessage('stop');
    await exited;
  }

  /** Stops at once, when the server failed to start (nothing was written since it began). */
  terminate(): void {
    void this.worker.terminate();
  }
}
