import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AckDeadlines } from '../../adapters/socketio/ack-deadlines.ts';

describe('AckDeadlines (one sweep timer for every ack in flight)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires only the waiters not settled in time, each once, oldest first per timeout', () => {
    const deadlines = new AckDeadlines(10);
    const expired: string[] = [];
    const a = deadlines.add(100, () => expired.push('a'));
    const b = deadlines.add(100, () => expired.push('b'));
    vi.advanceTimersByTime(50);
    const c = deadlines.add(30, () => expired.push('c'));
    const d = deadlines.add(100, () => expired.push('d'));
    expect(b()).toBe(true); // acked in time
    expect(b()).toBe(false); // and only once
    vi.advanceTimersByTime(40);
    expect(expired).toEqual(['c']);
    vi.advanceTimersByTime(20);
    expect(expired).toEqual(['c', 'a']);
    expect(a()).toBe(false); // a late ack loses to the expiry
    expect(c()).toBe(false);
    expect(d()).toBe(true);
    vi.advanceTimersByTime(200);
    expect(expired).toEqual(['c', 'a']);
    expect(vi.getTimerCount()).toBe(0); // nothing in flight: no timer left running
  });

  it('keeps one timer however many acks are in flight', () => {
    const deadlines = new AckDeadlines(10);
    const settles = Array.from({ length: 1000 }, () => deadlines.add(3000, () => {}));
    expect(vi.getTimerCount()).toBe(1);
    for (const settle of settles) settle();
    expect(vi.getTimerCount()).toBe(0);
  });
});
