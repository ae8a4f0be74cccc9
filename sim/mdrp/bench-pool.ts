import { Worker } from 'node:worker_threads';
import type { BenchJob, BenchRecord } from './bench-record.ts';

/**
 * The source a worker thread evaluates: register tsx's loader in that thread, then import the
 * TypeScript worker — what bin/citytwin.js does for the main thread, since loader hooks do not
 * cross threads.
 */
function bootstrap(): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./bench-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
}

/**
 * Runs bench jobs on N worker threads, each taking the next job when it finishes one. A record
 * depends only on its job, so the results — sorted by job index afterwards — are the same for any N.
 */
export function runPool(
  size: number,
  jobs: readonly BenchJob[],
  onRecord: (record: BenchRecord) => void,
): Promise<void> {
  const queue = [...jobs];
  const workers: Worker[] = [];
  let active = 0;
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    const done = () => {
      for (const w of workers) void w.terminate();
      resolve();
    };
    const feed = (worker: Worker) => {
      const job = queue.shift();
      if (job) {
        worker.postMessage(job);
        return;
      }
      active--;
      if (active === 0 && !failed) done();
    };
    if (jobs.length === 0) {
      resolve();
      return;
    }
    const n = Math.max(1, Math.min(size, jobs.length));
    for (let i = 0; i < n; i++) {
      const worker = new Worker(bootstrap(), { eval: true });
      workers.push(worker);
      active++;
      worker.on('message', (message: BenchRecord | { ready: true }) => {
        if (failed) return;
        if (!('ready' in message)) onRecord(message);
        feed(worker);
      });
      worker.on('error', (err) => {
        if (failed) return;
        failed = true;
        for (const w of workers) void w.terminate();
        reject(err);
      });
    }
  });
}
