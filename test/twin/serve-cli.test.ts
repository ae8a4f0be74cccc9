import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SMALL_SCENARIO } from './twin-fixture.ts';

function serve(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/citytwin.js', 'serve', SMALL_SCENARIO, ...args], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { status: r.status, stderr: r.stderr };
}

describe('citytwin serve: user mistakes', () => {
  it('a bad flag value is one line naming the flag and what was expected, exit 1, no stack', () => {
    for (const [args, message] of [
      [['--speed', '0'], '--speed: expected a number from 1 to 10000, got "0"'],
      [['--start', 'noon'], '--start: expected a time of day like 08:00 or a duration like 8h, got "noon"'],
      [['--token', 'short'], '--token: expected at least 8 characters'],
    ] as const) {
      const r = serve([...args]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`error: ${message}\n`);
    }
  });

  it('a port already in use is a user error, not a crash', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = serve(['--port', String(port), '--start', '0']);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`error: --port: ${port} is already in use (pass --port 0 for a free one)\n`);
    } finally {
      blocker.close();
    }
  });
});
