import { type ChildProcess, spawn } from 'node:child_process';

/** A `citytwin device-sim` process and the JSON lines it printed. */
export interface DeviceProcess {
  lines: Record<string, unknown>[];
  child: ChildProcess;
  /** Resolves with the first line matching `predicate` (already printed or still to come). */
  waitFor(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<Record<string, unknown>>;
  /** What the device's sensors sense now (a device started with `--script -`): published as its event. */
  sense(event: Record<string, unknown>): void;
}

export async function startDevice(args: string[]): Promise<DeviceProcess> {
  const child = spawn(process.execPath, ['bin/citytwin.js', 'device-sim', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: {
    predicate: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters])
        if (w.predicate(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      nl = buffer.indexOf('\n');
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const waitFor = (predicate: (l: Record<string, unknown>) => boolean, timeoutMs = 10_000) => {
    const seen = lines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`device line not seen in ${timeoutMs} ms; stderr: ${stderr}`)),
        timeoutMs,
      );
      waiters.push({
        predicate,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  };
  await waitFor((l) => l.event === 'ready');
  return {
    lines,
    child,
    waitFor,
    sense: (event) => {
      child.stdin?.write(`${JSON.stringify({ afterMs: 0, event })}\n`);
    },
    stop: async () => {
      const stopped = waitFor((l) => l.event === 'stopped');
      child.kill('SIGTERM');
      return stopped;
    },
  };
}
