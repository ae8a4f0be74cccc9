// Worker-thread entry of a sweep: loads the city once, then runs the jobs the main thread sends,
// one at a time, and posts each record back. Started by SweepPool (which registers tsx first).
import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from '../scenario/schema.ts';
import { ScenarioCities } from './scenario-city.ts';
import { type RunJob, runSweepJob } from './sweep-run.ts';

export interface SweepWorkerData {
  readonly scenarioPath: string;
  readonly scenarios: readonly Scenario[];
  readonly untilMs: number;
}

const data = workerData as SweepWorkerData;
const cities = new ScenarioCities(data.scenarioPath);
const port = parentPort;
if (!port) throw new Error('sweep-worker.ts runs only as a worker thread');

port.on('message', async (job: RunJob) => {
  const record = await runSweepJob(job, data.scenarios[job.variant], data.untilMs, cities);
  port.postMessage(record);
});
port.postMessage({ ready: true });
