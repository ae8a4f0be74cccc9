import { describe, expect, it } from 'vitest';
import { EventLog, type LogEntry } from '../../sim/kernel/event-log.ts';
import { stableStringify } from '../../sim/kernel/stable-json.ts';

describe('EventLog', () => {
  it('writes the same lines and hash through the message and state shortcuts as through append', () => {
    const viaAppend = new EventLog();
    const viaShortcut = new EventLog();
    const seen: [LogEntry, string][] = [];
    viaShortcut.onEntry((entry, line) => seen.push([entry, line]));
    const bare = new EventLog();
    for (let i = 0; i < 50; i++) {
      const msg = { type: 'offer', orderId: `O${i}`, fee: i * 1.5, to: { y: 2, x: 1 }, note: 'é"\n' };
      viaAppend.append({ t: i * 50, kind: 'msg', from: 'dispatch', to: `C${i % 7}`, msg });
      viaAppend.append({
        t: i * 50,
        kind: 'state',
        actor: `C${i % 7}`,
        state: i % 2 ? 'idle' : 'busy.toPickup',
      });
      viaShortcut.appendMessage(i * 50, 'dispatch', `C${i % 7}`, msg);
      viaShortcut.appendState(i * 50, `C${i % 7}`, i % 2 ? 'idle' : 'busy.toPickup');
      bare.appendMessage(i * 50, 'dispatch', `C${i % 7}`, msg);
      bare.appendState(i * 50, `C${i % 7}`, i % 2 ? 'idle' : 'busy.toPickup');
    }
    expect(viaShortcut.digest()).toBe(viaAppend.digest());
    expect(bare.digest()).toBe(viaAppend.digest());
    expect(viaShortcut.entries).toBe(100);
    // listeners still get the entry, and each line is the key-sorted JSON of it
    expect(seen).toHaveLength(100);
    for (const [entry, line] of seen) expect(line).toBe(stableStringify(entry));
    expect(seen[0][0]).toMatchObject({ kind: 'msg', from: 'dispatch', to: 'C0' });
  });
});
