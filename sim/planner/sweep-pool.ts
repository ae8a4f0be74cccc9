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

export interface PoolEvents {
  /** A run finished (successfully or not); called in completion order. */
  readonly onRecord: (record: RunRecord) => void;
}

/**
 * Runs jobs on N worker threads, each pulling the next job when it finishes one. Which worker runs
 * which job depends on timing, but a job's result depends only on (variant, seed), so the results —
 * sorted by job id afterwards — are the same for any N.
 */
export class SweepPool {
  private readonly workers: Worker[] = [];
  private stopped = false;
  private crashed: Error | null = null;

  constructor(
    private readonly size: number,
    private readonly data: SweepWorkerData,
  ) {}

  /** Runs every job; resolves when all are done or `stop()` was called. */
  run(jobs: readonly RunJob[], events: PoolEvents): Promise<void> {
    const queue = [...jobs];
    let active = 0;
    return new Promise<void>((resolve, reject) => {
      const finish = () => {
        if (active > 0 && !this.stopped) return;
        this.terminate();
        if (this.crashed) reject(this.crashed);
        else resolve();
      };
      const feed = (worker: Worker) => {
        const job = this.stopped ? undefined : queue.shift();
        if (!job) {
          active--;
          finish();
          return;
        }
        worker.postMessage(job);
      };
      const n = Math.max(1, Math.min(this.size, jobs.length));
      if (jobs.length === 0) resolve();
      for (let i = 0; i < n && jobs.length > 0; i++) {
        const worker = new Worker(bootstrap(), { eval: true, workerData: this.data });
        this.workers.push(worker);
        active++;
        worker.on('message', (message: RunRecord | { ready: true }) => {
          if (this.stopped) return;
          if (!('ready' in message)) events.onRecord(message);
          feed(worker);
        });
        worker.on('error', (err) => {
          this.crashed ??= err;
          this.stopped = true;
          finish();
        });
      }
      this.onStop = finish;
    });
  }

  private onStop: () => void = () => {};

  /** Stops handing out jobs and ends the workers now; runs in progress are abandoned. */
  stop(): void {
    this.stopped = true;
    this.onStop();
  }

  private terminate(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}
