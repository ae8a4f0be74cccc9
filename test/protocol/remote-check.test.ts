import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, type ServerProcess, scratchDir, startServer } from '../dispatch-server/server-process.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/citytwin.js', import.meta.url).pathname;

/** `citytwin check` as a user runs it, with the given server secret in its environment. */
async function check(args: readonly string[], secret: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'check', ...args], {
      env: { ...process.env, CITYTWIN_DISPATCH_SECRET: secret },
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('citytwin check --target: the protocol properties against a real dispatch server process', () => {
  const scratch = scratchDir();
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer(join(scratch.dir, 'dispatch.sqlite'));
  });

  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    scratch.remove();
  });

  it('holds every invariant over 25 generated runs (seed 11)', async () => {
    const r = await check(
      ['--runs', '25', '--seed', '11', '--target', server.url, '--json', '--log-dir', scratch.dir],
      SECRET,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; runs: number; seed: number };
    expect(report).toMatchObject({ ok: true, runs: 25, seed: 11 });
  });

  it('a wrong server secret is the user’s setup: one clear error, exit 1, no stack, no runs', async () => {
    const r = await check(
      ['--runs', '5', '--seed', '11', '--target', server.url],
      'not-the-server-secret-123456',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: --target: the server at http:\/\/127\.0\.0\.1:\d+ refused our tokens/);
    expect(r.stderr).toContain('CITYTWIN_DISPATCH_SECRET');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('no server at the target: one clear error naming the URL, exit 1', async () => {
    const r = await check(['--runs', '5', '--target', 'http://127.0.0.1:9'], SECRET);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: --target: expected a running dispatch server at http:\/\/127\.0\.0\.1:9/,
    );
  });
});
