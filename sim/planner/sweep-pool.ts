import { Worker } from 'node:worker_threads';
import type { RunJob, RunRecord } from './sweep-run.ts';
import type { SweepWorkerData } from './sweep-worker.ts';

/**
 * The source a worker thread evaluates: register tsx's loader in that thread, then import the
 * TypeScript worker module — the same thing bin/citytwin.js does for the main thread, because
 * loader hooks registered in one thread do not reach another.
 */
function bootstrap(): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./sweep-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
}

/** A run whose worker died under it (an error thrown outside the run's own try, or out of memory). */
function crashed(job: RunJob, err: Error): RunRecord {
  return {
    ...job,
    ok: false,
    error: `worker crashed: ${err.message.split('\n')[0]}`,
    events: 0,
    eventLogHash: '',
    kpis: {},
    cells: [],
    wallMs: 0,
    heapMiB: 0,
  };
}

/**
 * Runs jobs on N worker threads, each pulling the next job when it finishes one. Which worker runs
 * which job depends on timing, but a job's result depends only on (variant, seed), so the results —
 * sorted by job id afterwards — are the same for any N. A worker that dies fails only its own run
 * and is replaced.
 */
export class SweepPool {
  private readonly workers = new Set<Worker>();
  private stopped = false;
  private wake: () => void = () => {};

  constructor(
    private readonly size: number,
    private readonly data: SweepWorkerData,
  ) {}

  /** Runs every job, calling `onRecord` as each ends; resolves when all are done or after `stop()`. */
  run(jobs: readonly RunJob[], onRecord: (record: RunRecord) => void): Promise<void> {
    const queue = [...jobs];
    let pending = jobs.length;
    return new Promise<void>((resolve) => {
      const settle = () => {
        if (pending > 0 && !this.stopped) return;
        this.terminate();
        resolve();
      };
      this.wake = settle;
      const start = () => {
        const worker = new Worker(bootstrap(), { eval: true, workerData: this.data });
        this.workers.add(worker);
        let current: RunJob | undefined;
        const next = () => {
          current = this.stopped ? undefined : queue.shift();
          if (current) worker.postMessage(current);
          else {
            this.workers.delete(worker);
            void worker.terminate();
          }
        };
        worker.on('message', (message: RunRecord | { ready: true }) => {
          if (this.stopped) return;
          if (!('ready' in message)) {
            current = undefined;
            pending--;
            onRecord(message);
          }
          if (pending === 0) settle();
          else next();
        });
        worker.on('error', (err) => {
          this.workers.delete(worker);
          if (this.stopped) return;
          if (current) {
            pending--;
            onRecord(crashed(current, err));
          }
          if (pending === 0) settle();
          else if (queue.length > 0) start();
        });
      };
      const n = Math.min(this.size, jobs.length);
      for (let i = 0; i < n; i++) start();
      settle();
    });
  }

  /** Stops handing out jobs and ends the workers now; runs in progress are abandoned. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  private terminate(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.clear();
  }
}
