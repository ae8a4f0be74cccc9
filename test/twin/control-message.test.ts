import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { checkControl, checkInspect } from '../../sim/twin/control-message.ts';

const TOKEN = 'secret-token-123';

describe('control messages', () => {
  it('accepts each action with the token and strips the token from what it returns', () => {
    expect(checkControl({ token: TOKEN, action: 'pause' }, TOKEN)).toEqual({
      ok: true,
      value: { action: 'pause' },
    });
    expect(checkControl({ token: TOKEN, action: 'speed', speed: 10_000 }, TOKEN)).toEqual({
      ok: true,
      value: { action: 'speed', speed: 10_000 },
    });
    expect(checkControl({ token: TOKEN, action: 'seek', time: 3_600_000 }, TOKEN)).toMatchObject({
      ok: true,
    });
    expect(checkControl({ token: TOKEN, action: 'reload', seed: 9 }, TOKEN)).toMatchObject({ ok: true });
  });

  it('refuses a missing or wrong token before looking at the rest', () => {
    expect(checkControl({ action: 'pause' }, TOKEN)).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(checkControl({ token: 'secret-token-124', action: 'pause' }, TOKEN)).toMatchObject({
      code: 'unauthorized',
    });
    expect(checkControl({ token: 'x', action: 'nonsense' }, TOKEN)).toMatchObject({ code: 'unauthorized' });
  });

  it('names the field of a malformed message', () => {
    expect(checkControl({ token: TOKEN, action: 'speed', speed: 0.5 }, TOKEN)).toEqual({
      ok: false,
      code: 'invalid',
      error: expect.stringMatching(/^control: speed: /),
    });
    expect(checkControl({ token: TOKEN, action: 'seek', time: 1.5 }, TOKEN)).toMatchObject({
      error: expect.stringMatching(/^control: time: /),
    });
    expect(checkControl({ token: TOKEN, action: 'warp' }, TOKEN)).toMatchObject({
      error: expect.stringMatching(/^control: action: /),
    });
    expect(checkControl([TOKEN, 'pause'], TOKEN)).toMatchObject({ code: 'invalid' });
    expect(checkControl({ token: TOKEN, action: 'pause', pad: 'x'.repeat(3_000) }, TOKEN)).toMatchObject({
      code: 'too_large',
    });
  });

  it('inspect takes one short string', () => {
    expect(checkInspect('CP1')).toEqual({ ok: true, value: 'CP1' });
    expect(checkInspect('')).toMatchObject({ code: 'invalid' });
    expect(checkInspect({ id: 'CP1' })).toMatchObject({ code: 'invalid' });
    expect(checkInspect('x'.repeat(5_000))).toMatchObject({ code: 'too_large' });
  });

  // Whatever a client sends, checking never throws, and nothing passes without the token.
  test.prop([fc.jsonValue({ maxDepth: 6 })], { seed: 4242, numRuns: 400 })(
    'arbitrary JSON (seed 4242) is refused without the token and never throws',
    (value) => {
      const result = checkControl(value, TOKEN);
      expect(result.ok).toBe(false);
      const withToken =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? { ...value, token: TOKEN }
          : value;
      expect(() => checkControl(withToken, TOKEN)).not.toThrow();
    },
  );
});
