import { spawn } from 'node:child_process';

/** A server process the bench started, by the URL it printed. */
export interface ListeningProcess {
  readonly url: string;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts a node process that prints `listening on http://…` when ready (the dispatch server, the
 * transport echo server), so the bench measures it from its own process like a real deployment.
 */
export function startListening(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ListeningProcess> {
  const child = spawn(process.execPath, args, { env });
  let out = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      child.removeAllListeners('exit');
      const stop = () =>
        new Promise<void>((done) => {
          child.once('exit', () => done());
          child.kill('SIGTERM');
        });
      resolve({ url: m[1], stop });
    });
  });
}
