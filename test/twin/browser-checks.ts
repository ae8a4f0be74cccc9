import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CitytwinHandle } from '../../twin-ui/debug-handle.ts';
import { expectedCounts, SMALL_COUNTS } from './twin-fixture.ts';
import type { TwinProcess } from './twin-process.ts';

declare global {
  interface Window {
    citytwin: CitytwinHandle;
  }
}

const ARTIFACTS = 'test-artifacts/twin';

/** Opens the viewer and waits until the city, the roster and a first frame are drawn. */
export async function openViewer(browser: Browser, url: string, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 800, height: 500 } });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.citytwin?.ready === true, null, { timeout: 60_000 });
  return page;
}

/**
 * Share of pixels that differ from the background and number of distinct colours in a PNG,
 * decoded by the browser in a blank page (independent of the app under test).
 */
async function pixelStats(browser: Browser, png: Buffer): Promise<{ lit: number; colours: number }> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const [r0, g0, b0] = [data[0], data[1], data[2]];
      let lit = 0;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - r0) + Math.abs(data[i + 1] - g0) + Math.abs(data[i + 2] - b0) > 24) lit++;
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      }
      return { lit: lit / (data.length / 4), colours: colours.size };
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}

/** Sim ms the page shows after `ms` of wall time. */
async function simAdvance(page: Page, ms: number): Promise<number> {
  const before = await page.evaluate(() => window.citytwin.simTime);
  await page.waitForTimeout(ms);
  return (await page.evaluate(() => window.citytwin.simTime)) - before;
}

/** Checks in real Chromium (SwiftShader WebGL) against the running `citytwin serve` process. */
export function browserChecks(twin: () => TwinProcess, browser: () => Browser): void {
  describe('the viewer in Chromium', () => {
    const errors: string[] = [];
    let page: Page;

    it('draws the city and every actor of the scenario, and its sim clock runs', async () => {
      page = await openViewer(browser(), `${twin().url}?token=${twin().token}`, errors);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}/viewer.png` });
      const stats = await pixelStats(browser(), await page.locator('#scene canvas').screenshot());
      expect(stats.lit).toBeGreaterThan(0.05);
      expect(stats.colours).toBeGreaterThan(50);
      const drawn = await page.evaluate(() => window.citytwin.actors);
      expect(drawn).toMatchObject(SMALL_COUNTS);
      expect(drawn).toEqual(await expectedCounts());
      expect(await simAdvance(page, 1_500)).toBeGreaterThan(0);
      expect(await page.locator('#legend').textContent()).toContain('courier:professional');
      expect(await page.locator('#kpis').textContent()).toContain('on time');
    });

    it('a click on an actor selects it and the panel shows its statechart state', async () => {
      await page.evaluate(() => window.citytwin.control({ action: 'pause' }));
      await page.waitForFunction(() => window.citytwin.clock?.paused === true);
      const target = await page.evaluate(() => {
        const ct = window.citytwin;
        const ids = ct.ids();
        for (const id of ct.ids('courier')) {
          ct.follow(id);
          const p = ct.screenPosition(id);
          if (!p) continue;
          const crowded = ids.some((other) => {
            const q = other === id ? null : ct.screenPosition(other);
            return q !== null && Math.hypot(q.x - p.x, q.y - p.y) < 16;
          });
          if (!crowded) return { id, ...p };
        }
        return null;
      });
      expect(target).not.toBeNull();
      await page.mouse.click(target!.x, target!.y);
      await page.waitForFunction((id) => window.citytwin.inspection?.id === id, target!.id, {
        timeout: 10_000,
      });
      expect(await page.evaluate(() => window.citytwin.selected)).toBe(target!.id);
      const state = await page.evaluate(() => window.citytwin.inspection!.state);
      expect(state).toMatch(/^(idle|accepting|working|jobDone|offDuty)/);
      await expect.poll(() => page.locator('[data-testid=inspect-state]').textContent()).toBe(state);
      expect(await page.locator('#inspect-id').textContent()).toBe(target!.id);
      await page.screenshot({ path: `${ARTIFACTS}/selected.png` });
    });

    it('pause stops the clock, seek lands on the requested time, speed changes the pace', async () => {
      const paused = await page.evaluate(() => window.citytwin.simTime);
      expect(await simAdvance(page, 1_000)).toBe(0);
      const target = Math.floor(paused / 60_000) * 60_000 + 30 * 60_000;
      const reply = await page.evaluate((time) => window.citytwin.control({ action: 'seek', time }), target);
      expect(reply).toMatchObject({ ok: true, simTime: expect.closeTo(target, 2) });
      await page.waitForFunction((t) => Math.abs(window.citytwin.simTime - t) < 0.01, target, {
        timeout: 10_000,
      });
      await page.evaluate(() => window.citytwin.control({ action: 'speed', speed: 10 }));
      await page.evaluate(() => window.citytwin.control({ action: 'play' }));
      const slow = await simAdvance(page, 2_000);
      await page.evaluate(() => window.citytwin.control({ action: 'speed', speed: 200 }));
      const fast = await simAdvance(page, 2_000);
      expect(slow).toBeGreaterThan(0);
      expect(fast / slow).toBeGreaterThan(5);
    });

    it('a second, view-only viewer sees the same run but its control is refused', async () => {
      const viewer = await openViewer(browser(), twin().url, errors);
      try {
        expect(await viewer.evaluate(() => window.citytwin.actors)).toEqual(await expectedCounts());
        expect(await viewer.locator('[data-testid=play]').isDisabled()).toBe(true);
        const reply = await viewer.evaluate(() => window.citytwin.control({ action: 'pause' }));
        expect(reply).toMatchObject({ ok: false, code: 'unauthorized' });
        await viewer.waitForFunction(() => window.citytwin.errors.some((e) => e.code === 'unauthorized'));
        expect(await viewer.locator('#toast').textContent()).toContain('token');
        await viewer.waitForFunction(() => (window.citytwin.clock?.viewers ?? 0) >= 2);
        expect(await simAdvance(viewer, 1_000)).toBeGreaterThan(0);
        const malformed = await page.evaluate(() =>
          window.citytwin.rawControl({ token: 'twin-test-token', action: 'seek', time: 'noon' }),
        );
        expect(malformed).toMatchObject({ ok: false, code: 'invalid' });
      } finally {
        await viewer.close();
      }
      expect(errors).toEqual([]);
    });
  });
}
