import { type ChildProcess, spawn } from 'node:child_process';

export interface TwinProcess {
  readonly url: string;
  readonly token: string;
  readonly child: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * Starts `citytwin serve` as a real process on a free loopback port (`--port 0`) and resolves
 * once it prints the viewer URL. Stopping sends SIGTERM to that process only and waits for it.
 */
export function startTwin(args: readonly string[], timeoutMs = 90_000): Promise<TwinProcess> {
  const child = spawn(
    process.execPath,
    ['bin/citytwin.js', 'serve', ...args, '--port', '0', '--host', '127.0.0.1'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`citytwin serve did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const url = /^viewer: (\S+)$/m.exec(out)?.[1];
      const token = /^token: (\S+)/m.exec(out)?.[1];
      if (!url || !token) return;
      clearTimeout(timer);
      child.stdout?.off('data', check);
      resolve({
        url,
        token,
        child,
        output: () => out,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`citytwin serve exited with ${code} before it started:\n${out}`));
    });
  });
}
