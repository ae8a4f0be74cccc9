import { describe, expect, it } from 'vitest';
import { stateColor, topLevel } from '../../twin-ui/state-colors.ts';

describe('state colours', () => {
  it('colour by the state that names the condition, for plain, nested and parallel machines', () => {
    expect(topLevel('idle')).toBe('idle');
    expect(topLevel('idle.pulling')).toBe('idle');
    expect(topLevel('working(job.toPickup|tracker.ticking)')).toBe('working');
    expect(topLevel('motion.parked|doors.locked|trunk.closed')).toBe('parked');
    expect(topLevel('motion.driving.toStore|doors.locked')).toBe('driving');
  });

  it('gives known words a fixed meaning, kind exceptions first, and any new state a stable colour', () => {
    expect(stateColor('offDuty')).toBe(stateColor('closed'));
    expect(stateColor('idle.pulling')).toBe(stateColor('open'));
    expect(stateColor('idle', 'customer')).not.toBe(stateColor('idle', 'courier'));
    expect(stateColor('restockingAtDepot.loading')).toBe(stateColor('restockingAtDepot'));
    expect(stateColor('someNewState')).toBe(stateColor('someNewState.sub'));
  });
});
