import { describe, expect, it } from 'vitest';
import {
  buildingHeight,
  driveSpeed,
  isDrivable,
  isWalkable,
  onewayDirection,
  parseMaxspeedKmh,
} from '../../sim/city/osm-tags.ts';
import { parsePolyFile } from '../../sim/city/poly-file.ts';

describe('OSM tag rules', () => {
  it.each([
    ['50', 50],
    ['30 mph', 30 * 1.609344],
    ['70 km/h', 70],
    ['FR:urban', 50],
    ['FR:rural', 80],
    ['FR:motorway', 130],
    ['DE:zone30', 30],
    ['FR:zone:30', 30],
    ['zone30', 30],
    ['walk', 6],
    ['50;30', 30],
    ['none', undefined],
    ['signals', undefined],
    ['fast', undefined],
    [undefined, undefined],
  ])('maxspeed %s → %s km/h', (value, kmh) => {
    const parsed = parseMaxspeedKmh(value);
    if (kmh === undefined) expect(parsed).toBeUndefined();
    else expect(parsed).toBeCloseTo(kmh, 9);
  });

  it('uses directional limits, then maxspeed, then the class default, clamped', () => {
    expect(driveSpeed({ highway: 'primary', maxspeed: '70', 'maxspeed:backward': '30' }, true)).toBeCloseTo(
      70 / 3.6,
    );
    expect(driveSpeed({ highway: 'primary', maxspeed: '70', 'maxspeed:backward': '30' }, false)).toBeCloseTo(
      30 / 3.6,
    );
    expect(driveSpeed({ highway: 'residential' }, true)).toBeCloseTo(30 / 3.6);
    expect(driveSpeed({ highway: 'motorway', maxspeed: 'none' }, true)).toBeCloseTo(90 / 3.6);
    expect(driveSpeed({ highway: 'service', maxspeed: '1' }, true)).toBeCloseTo(5 / 3.6);
  });

  it.each([
    [{ highway: 'residential', oneway: 'yes' }, 1],
    [{ highway: 'residential', oneway: 'true' }, 1],
    [{ highway: 'residential', oneway: '1' }, 1],
    [{ highway: 'residential', oneway: '-1' }, -1],
    [{ highway: 'residential', oneway: 'no' }, 0],
    [{ highway: 'residential' }, 0],
    [{ highway: 'primary', junction: 'roundabout' }, 1],
    [{ highway: 'primary', junction: 'roundabout', oneway: 'no' }, 0],
    [{ highway: 'motorway' }, 1],
  ])('oneway of %o is %i', (tags, direction) => {
    expect(onewayDirection(tags)).toBe(direction);
  });

  it('selects drivable and walkable ways', () => {
    expect(isDrivable({ highway: 'primary_link' })).toBe(true);
    expect(isDrivable({ highway: 'footway' })).toBe(false);
    expect(isDrivable({ highway: 'service', access: 'private' })).toBe(false);
    expect(isDrivable({ highway: 'service', access: 'no', motor_vehicle: 'yes' })).toBe(true);
    expect(isWalkable({ highway: 'steps' })).toBe(true);
    expect(isWalkable({ highway: 'motorway' })).toBe(false);
    expect(isWalkable({ highway: 'trunk' })).toBe(false);
    expect(isWalkable({ highway: 'residential', foot: 'no' })).toBe(false);
    expect(isWalkable({ highway: 'service', access: 'private', foot: 'yes' })).toBe(true);
  });

  it('reads building heights', () => {
    expect(buildingHeight({ building: 'yes', height: '25.5 m' })).toBe(25.5);
    expect(buildingHeight({ building: 'yes', 'building:levels': '4' })).toBe(12);
    expect(buildingHeight({ building: 'yes' })).toBe(10);
  });

  it('parses Osmosis .poly files with holes', () => {
    const poly = parsePolyFile(
      'area\n1\n  0 0\n  1 0\n  1 1\n  0 0\nEND\n!2\n 0.2 0.2\n 0.3 0.2\n 0.3 0.3\nEND\nEND\n',
    );
    expect(poly.name).toBe('area');
    expect(poly.outer).toEqual([
      [
        [0, 0],
        [1, 0],
        [1, 1],
      ],
    ]);
    expect(poly.holes).toHaveLength(1);
    expect(() => parsePolyFile('x\n1\n 0 0\n')).toThrow(/no END/);
  });
});
