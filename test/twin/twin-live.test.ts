import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { browserChecks } from './browser-checks.ts';
import { launchChromium } from './chromium.ts';
import { serverChecks } from './server-checks.ts';
import { SMALL_SCENARIO } from './twin-fixture.ts';
import { startTwin, type TwinProcess } from './twin-process.ts';

let twin: TwinProcess;
let browser: Browser;

// One real server process and one browser for every check of this file (they share the run).
beforeAll(async () => {
  [twin, browser] = await Promise.all([
    startTwin([SMALL_SCENARIO, '--start', '01:00', '--speed', '60', '--token', 'twin-test-token']),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  if (!twin) return;
  const code = await twin.stop();
  if (code !== 0 && code !== null) throw new Error(`citytwin serve exited with ${code}:\n${twin.output()}`);
});

browserChecks(
  () => twin,
  () => browser,
);
serverChecks(() => twin);
