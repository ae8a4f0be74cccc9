import type { WallClock } from '../kernel/kernel.ts';

/**
 * The real wall clock for paced runs. It lives in the twin server, not the kernel, because the
 * kernel never reads a clock itself; tests of pacing can inject a fake one instead.
 */
export const systemWallClock: WallClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
