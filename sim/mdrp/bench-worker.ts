// Worker-thread entry of `citytwin mdrp bench`: runs the jobs the main thread sends, one at a time,
// and posts each record back. Started by BenchPool, which registers tsx in this thread first; HiGHS
// (when a policy asks for it) is loaded once here and reused by every job of this worker.
import { parentPort } from 'node:worker_threads';
import { type BenchJob, runBenchJob } from './bench-record.ts';

const port = parentPort;
if (!port) throw new Error('bench-worker.ts runs only as a worker thread');

port.on('message', async (job: BenchJob) => {
  port.postMessage(await runBenchJob(job));
});
port.postMessage({ ready: true });
