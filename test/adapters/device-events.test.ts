import { describe, expect, it } from 'vitest';
import { machineEventOf, scanWhileOpen } from '../../sim/world/device-events.ts';
import type { RealDevice } from '../../sim/world/real-devices.ts';

/** A gateway that records the commands it is sent (the MQTT round trip is hybrid-devices' job). */
function recordingGateway(sent: string[]): RealDevice {
  return {
    key: 'gateway:S3',
    kind: 'gateway',
    id: 'S3',
    url: 'mqtt://127.0.0.1:1',
    commandTimeoutMs: 1_000,
    streams: {} as RealDevice['streams'],
    command: async (action) => {
      sent.push(action);
      return { outcome: 'acked', ok: true } as never;
    },
  };
}

function storeStates(initial: string) {
  let listener: (id: string, state: string) => void = () => {};
  return {
    world: {
      stateOf: (id: string) => (id === 'S3' ? initial : 'open'),
      onStateChange: (l: typeof listener) => {
        listener = l;
      },
    } as never,
    change: (id: string, state: string) => listener(id, state),
  };
}

describe("a real gateway follows its store's hours", () => {
  it('scans from the start when the store is open, stops when it closes and starts again when it opens', () => {
    const sent: string[] = [];
    const s = storeStates('open');
    scanWhileOpen(recordingGateway(sent), s.world);
    expect(sent).toEqual(['scan_start']);
    s.change('S4', 'closed'); // another store
    s.change('S3', 'open'); // no change
    s.change('S3', 'closed');
    s.change('S3', 'closed');
    s.change('S3', 'open');
    expect(sent).toEqual(['scan_start', 'scan_stop', 'scan_start']);
  });

  it('is not told to scan while its store is closed', () => {
    const sent: string[] = [];
    const s = storeStates('closed');
    scanWhileOpen(recordingGateway(sent), s.world);
    expect(sent).toEqual([]);
    s.change('S3', 'open');
    expect(sent).toEqual(['scan_start']);
  });

  it("turns a gateway's beacon report into the store's scanner event, and ignores anything else", () => {
    expect(
      machineEventOf('gateway', { type: 'beacon.heard', ephemeralId: 'E1', rssi: -60 } as never, 5_000, null),
    ).toEqual({ type: 'scanner.heard', eid: 'E1', rssi: -60, heardAt: 5_000 });
    expect(machineEventOf('gateway', { type: 'lid.opened' } as never, 5_000, null)).toBeNull();
  });
});
