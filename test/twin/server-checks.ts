import { describe, expect, it } from 'vitest';
import { MAX_PACKET_BYTES } from '../../sim/twin/wire.ts';
import { SocketViewer } from './socket-viewer.ts';
import { expectedCounts, SMALL_COUNTS, straightRunHash } from './twin-fixture.ts';
import type { TwinProcess } from './twin-process.ts';

const HOUR = 3_600_000;

/** Checks over real socket.io clients against the running `citytwin serve` process. */
export function serverChecks(twin: () => TwinProcess): void {
  describe('the twin server over socket.io', () => {
    it('streams roster, states and binary position frames to two viewers at once', async () => {
      const a = new SocketViewer(twin().url);
      const b = new SocketViewer(twin().url);
      try {
        for (const v of [a, b])
          await v.until(() => v.frames.length >= 3 && v.roster !== null, 20_000, 'frames');
        const roster = a.roster!;
        const perKind: Record<string, number> = {};
        roster.classOf.forEach((c) => {
          const kind = roster.classes[c].kind;
          perKind[kind] = (perKind[kind] ?? 0) + 1;
        });
        expect(perKind).toMatchObject(SMALL_COUNTS);
        expect(perKind).toEqual(await expectedCounts());
        expect(roster.classes.map((c) => c.key)).toEqual(
          expect.arrayContaining(['courier:professional', 'courier:ordinary', 'store', 'customer']),
        );
        expect(b.roster).toEqual(roster);
        await a.until(
          () => a.frames.some((f) => f.keyframe && f.indexes.length === roster.ids.length),
          10_000,
          'keyframe',
        );
        for (const f of a.frames) {
          expect(f.epoch).toBe(roster.epoch);
          for (const i of f.indexes) expect(i).toBeLessThan(roster.ids.length);
          for (const c of f.coords) expect(Number.isFinite(c)).toBe(true);
        }
        await a.until(() => (a.clock?.viewers ?? 0) >= 2, 5_000, 'viewer count');
        expect(a.hello?.scenario).toBe('twin-small');
      } finally {
        a.close();
        b.close();
      }
    });

    it('refuses control without the right token, and malformed or oversized messages, naming the problem', async () => {
      const v = new SocketViewer(twin().url);
      const token = twin().token;
      try {
        await v.until(() => v.hello !== null);
        expect(await v.control({ action: 'pause' })).toMatchObject({ ok: false, code: 'unauthorized' });
        expect(await v.control({ action: 'pause', token: 'not-the-token' })).toMatchObject({
          ok: false,
          code: 'unauthorized',
        });
        expect(await v.control('pause')).toMatchObject({ ok: false, code: 'invalid' });
        expect(await v.control(null)).toMatchObject({ ok: false, code: 'invalid' });
        expect(await v.control({ token, action: 'explode' })).toMatchObject({
          ok: false,
          code: 'invalid',
          error: expect.stringContaining('action'),
        });
        expect(await v.control({ token, action: 'speed', speed: 20_000 })).toMatchObject({
          ok: false,
          error: expect.stringContaining('speed'),
        });
        expect(await v.control({ token, action: 'speed', speed: 0 })).toMatchObject({
          ok: false,
          code: 'invalid',
        });
        expect(await v.control({ token, action: 'seek', time: -1 })).toMatchObject({
          ok: false,
          error: expect.stringContaining('time'),
        });
        expect(await v.control({ token, action: 'seek', time: '08:00' })).toMatchObject({
          ok: false,
          code: 'invalid',
        });
        expect(await v.control({ token, action: 'pause', extra: 1 })).toMatchObject({
          ok: false,
          code: 'invalid',
        });
        expect(await v.control({ token, action: 'pause', pad: 'x'.repeat(4_000) })).toMatchObject({
          ok: false,
          code: 'too_large',
        });
        expect(await v.inspect(42)).toBeNull();
        expect(await v.inspect('no-such-actor')).toBeNull();
        await v.until(() => v.errors.length >= 13, 5_000, 'error events');
        expect(v.errors.map((e) => e.code)).toEqual(
          expect.arrayContaining(['unauthorized', 'invalid', 'too_large', 'not_found']),
        );
        expect(v.disconnected).toBe(false);
      } finally {
        v.close();
      }
    });

    it('a packet over the transport limit costs only that connection; other viewers and HTTP carry on', async () => {
      const bad = new SocketViewer(twin().url);
      const good = new SocketViewer(twin().url);
      try {
        await bad.until(() => bad.hello !== null);
        await good.until(() => good.frames.length > 0);
        bad.socket.emit('control', { token: 'x', pad: 'y'.repeat(MAX_PACKET_BYTES * 4) });
        await bad.until(() => bad.disconnected, 10_000, 'disconnect of the oversized sender');
        const before = good.frames.length;
        await good.until(() => good.frames.length > before + 3, 10_000, 'frames after the attack');
        const status = await (await fetch(new URL('/status', twin().url))).json();
        expect(status.scenario).toBe('twin-small');
      } finally {
        bad.close();
        good.close();
      }
    });

    it('inspects an actor: kind, statechart state, context and recent events', async () => {
      const v = new SocketViewer(twin().url);
      try {
        await v.until(() => v.roster !== null);
        const inspection = await v.inspect('CP1');
        expect(inspection).toMatchObject({
          id: 'CP1',
          kind: 'courier',
          variant: 'professional',
          status: 'active',
        });
        expect(inspection!.state).toMatch(/^(idle|accepting|working|jobDone)/);
        expect(inspection!.context.courierType).toBe('professional');
        expect(inspection!.recent.length).toBeGreaterThan(0);
        expect(inspection!.position).not.toBeNull();
        const dispatch = await v.inspect('dispatch');
        expect(dispatch?.kind).toBe('dispatch');
      } finally {
        v.close();
      }
    });

    it('seeks exactly: the event-log hash at the target equals a straight run, forward and back', async () => {
      const v = new SocketViewer(twin().url);
      const token = twin().token;
      try {
        await v.until(() => v.hello !== null);
        expect(await v.control({ token, action: 'pause' })).toMatchObject({ ok: true });
        const target = 1.5 * HOUR;
        const first = await v.control({ token, action: 'seek', time: target });
        const at = (t: number) => expect.closeTo(t, 2);
        expect(first).toEqual({
          ok: true,
          simTime: at(target),
          eventLogHash: await straightRunHash(7, target),
        });
        const back = await v.control({ token, action: 'seek', time: 1.25 * HOUR });
        const backHash = await straightRunHash(7, 1.25 * HOUR);
        expect(back).toEqual({ ok: true, simTime: at(1.25 * HOUR), eventLogHash: backHash });
        expect(await v.control({ token, action: 'seek', time: target })).toEqual(first);
        await v.until(
          () => v.clock?.paused === true && Math.abs(v.clock.simTime - target) < 0.01,
          5_000,
          'paused at the target',
        );
        expect(await v.control({ token, action: 'play' })).toMatchObject({ ok: true });
      } finally {
        v.close();
      }
    });
  });
}
