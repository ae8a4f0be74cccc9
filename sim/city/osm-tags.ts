/**
 * How OpenStreetMap tags become graph attributes: which ways cars and couriers may use, in which
 * direction, and how fast. Kept apart from the loader so the rules can be read (and tested) in one
 * place; all values are urban defaults for a European city.
 */

export type OsmTags = Readonly<Record<string, string>>;

const KMH = 1 / 3.6;

/** Default car speed per drivable highway class, km/h, when `maxspeed` is missing or unusable. */
export const DRIVE_DEFAULT_KMH: Readonly<Record<string, number>> = {
  motorway: 90,
  motorway_link: 50,
  trunk: 70,
  trunk_link: 40,
  primary: 50,
  primary_link: 40,
  secondary: 50,
  secondary_link: 40,
  tertiary: 40,
  tertiary_link: 30,
  unclassified: 30,
  residential: 30,
  living_street: 20,
  service: 20,
};

/** Highway classes a courier on foot or bike may use (all bidirectional). Motorways and trunks are excluded. */
const WALK_CLASSES = new Set([
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
  'pedestrian',
  'footway',
  'path',
  'steps',
  'cycleway',
  'track',
  'bridleway',
  'corridor',
  'road',
]);

/** Curb parking is generated along these classes only (not arterials' slip roads, not service alleys). */
export const CURB_PARKING_CLASSES: ReadonlySet<string> = new Set(['residential', 'tertiary', 'secondary']);

/** Way tags the loader reads; the PBF parser drops every other key, which keeps memory low. */
export const WAY_TAG_KEYS: readonly string[] = [
  'highway',
  'oneway',
  'junction',
  'maxspeed',
  'maxspeed:forward',
  'maxspeed:backward',
  'access',
  'vehicle',
  'motor_vehicle',
  'motorcar',
  'foot',
  'area',
  'tunnel',
  'bridge',
  'covered',
  'amenity',
  'capacity',
  'building',
  'height',
  'building:levels',
];

export const NODE_TAG_KEYS: readonly string[] = ['amenity', 'capacity'];

const NO_ACCESS = new Set(['no', 'private']);
const ALLOWED = new Set(['yes', 'designated', 'permissive', 'destination']);

/** Whether cars may use the way: a drivable class not closed to motor vehicles. */
export function isDrivable(tags: OsmTags): boolean {
  const highway = tags.highway;
  if (highway === undefined || DRIVE_DEFAULT_KMH[highway] === undefined || tags.area === 'yes') return false;
  const motor = tags.motorcar ?? tags.motor_vehicle ?? tags.vehicle;
  if (motor !== undefined) return !NO_ACCESS.has(motor);
  return tags.access === undefined || !NO_ACCESS.has(tags.access);
}

/** Whether couriers on foot or bike may use the way. */
export function isWalkable(tags: OsmTags): boolean {
  const highway = tags.highway;
  if (highway === undefined || !WALK_CLASSES.has(highway)) return false;
  if (tags.foot !== undefined) return ALLOWED.has(tags.foot) || tags.foot === 'use_sidepath';
  return tags.access === undefined || !NO_ACCESS.has(tags.access);
}

/**
 * Direction of travel allowed for cars: 1 along the way, -1 against it, 0 both. `oneway` wins
 * when present; otherwise roundabouts and motorways are implicitly one-way (OSM convention).
 */
export function onewayDirection(tags: OsmTags): -1 | 0 | 1 {
  const oneway = tags.oneway;
  if (oneway === 'yes' || oneway === 'true' || oneway === '1') return 1;
  if (oneway === '-1' || oneway === 'reverse') return -1;
  if (oneway !== undefined) return 0;
  if (tags.junction === 'roundabout' || tags.junction === 'circular') return 1;
  if (tags.highway === 'motorway') return 1;
  return 0;
}

/** Implicit limits by zone keyword (`FR:urban`, `zone30`, …), km/h. */
const ZONE_KMH: Readonly<Record<string, number>> = {
  urban: 50,
  rural: 80,
  motorway: 130,
  trunk: 110,
  living_street: 20,
  zone30: 30,
  zone20: 20,
  walk: 6,
};

/**
 * Parses an OSM `maxspeed` value to km/h, or undefined when it carries no usable number
 * ("none", "signals", "variable", garbage). Handles plain km/h, "mph", "knots", country zone codes
 * ("FR:urban", "DE:zone30", "FR:zone:30") and multiple values ("50;30" → the lower).
 */
export function parseMaxspeedKmh(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  let best: number | undefined;
  for (const part of value.split(';')) {
    const v = parseOneMaxspeed(part.trim().toLowerCase());
    if (v !== undefined && v > 0 && (best === undefined || v < best)) best = v;
  }
  return best;
}

function parseOneMaxspeed(v: string): number | undefined {
  const numeric = /^(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph|knots)?$/.exec(v);
  if (numeric) {
    const n = Number.parseFloat(numeric[1]);
    if (numeric[2] === 'mph') return n * 1.609344;
    if (numeric[2] === 'knots') return n * 1.852;
    return n;
  }
  const zone = /^(?:[a-z]{2}:)?(?:zone:?)?(\d+)$/.exec(v);
  if (zone) return Number.parseInt(zone[1], 10);
  const keyword = /^(?:[a-z]{2}:)?([a-z_0-9]+)$/.exec(v);
  if (keyword) return ZONE_KMH[keyword[1]];
  return undefined;
}

/**
 * Car speed limit in m/s for one direction of a drivable way: the directional `maxspeed:forward` /
 * `:backward`, else `maxspeed`, else the class default; clamped to 5..130 km/h so a typo cannot
 * create a teleport or a wall.
 */
export function driveSpeed(tags: OsmTags, forward: boolean): number {
  const directional = parseMaxspeedKmh(forward ? tags['maxspeed:forward'] : tags['maxspeed:backward']);
  const kmh = directional ?? parseMaxspeedKmh(tags.maxspeed) ?? DRIVE_DEFAULT_KMH[tags.highway ?? ''] ?? 30;
  return Math.min(130, Math.max(5, kmh)) * KMH;
}

/** Building height in metres: `height`, else `building:levels` × 3 m, else 10 m; clamped to 2..500. */
export function buildingHeight(tags: OsmTags): number {
  const height = leadingNumber(tags.height);
  const levels = leadingNumber(tags['building:levels']);
  const h = height ?? (levels !== undefined ? levels * 3 : 10);
  return Math.min(500, Math.max(2, h));
}

/** Tagged parking capacity, or undefined when absent or not a number. */
export function parkingCapacity(tags: OsmTags): number | undefined {
  const n = leadingNumber(tags.capacity);
  return n !== undefined && n >= 1 ? Math.round(n) : undefined;
}

/** True for ways not at street level, where curb parking makes no sense. */
export function isUnderOrOver(tags: OsmTags): boolean {
  return (
    (tags.tunnel !== undefined && tags.tunnel !== 'no') ||
    (tags.bridge !== undefined && tags.bridge !== 'no') ||
    tags.covered === 'yes'
  );
}

function leadingNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+(?:[.,]\d+)?)/.exec(value);
  return m ? Number.parseFloat(m[1].replace(',', '.')) : undefined;
}
