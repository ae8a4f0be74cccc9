import type { Point } from '../../machines/protocol.ts';
import type { ViewedActor } from '../world/world-view.ts';
import type { ReplayIndex } from './replay-index.ts';

type Box = { minX: number; minY: number; maxX: number; maxY: number };

/**
 * Actor kinds by id, as both the world (`S…` stores, `U…` customers, `CP…`/`CO…` couriers, `V…`
 * vehicles, `B…` beacons, `RB…` robots) and the check town (`S1`, `C1`, `V1`, `B1`, `RB1`, `U1`)
 * name them. Ids that match none (dispatch, its shards, orders, ports) are inspectable, not drawn.
 */
const KINDS: readonly { pattern: RegExp; kind: string; variant: string | null }[] = [
  { pattern: /^RB\d/, kind: 'robot', variant: null },
  { pattern: /^CP\d/, kind: 'courier', variant: 'professional' },
  { pattern: /^CO\d/, kind: 'courier', variant: 'ordinary' },
  { pattern: /^C\d/, kind: 'courier', variant: null },
  { pattern: /^S[-\d]/, kind: 'store', variant: null },
  { pattern: /^U\d/, kind: 'customer', variant: null },
  { pattern: /^V\d/, kind: 'vehicle', variant: null },
  { pattern: /^B\d/, kind: 'beacon', variant: null },
];

/** Metres between neighbours in a kind's group of placed actors. */
const SPACING = 14;
/** Share of the city's smaller side that the groups and a foreign-frame log may cover. */
const SPREAD = 0.5;

export function kindOfId(id: string): { kind: string; variant: string | null } | null {
  const match = KINDS.find((k) => k.pattern.test(id));
  return match ? { kind: match.kind, variant: match.variant } : null;
}

/** `p` in the other frame: identity when the log is in the city's metres, else scaled into the centre. */
type Transform = (p: Point) => Point;

/** Whether every position the log reports lies in the city (a `citytwin run` log), and there is one. */
export function reportsInCity(index: ReplayIndex, city: Box): boolean {
  const points = index.reportedPoints();
  return (
    points.length > 0 &&
    points.every((p) => p.x >= city.minX && p.x <= city.maxX && p.y >= city.minY && p.y <= city.maxY)
  );
}

/**
 * Which frame a log's reported positions are in. A `citytwin run` log reports metres of the same
 * city: drawn where they are. The check town is a 2.6 km plane of its own: its extent is fitted,
 * keeping proportions, into a square at the city's centre so its actors stay on the map.
 */
function frameOf(points: readonly Point[], city: Box): Transform {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  if (minX >= city.minX && maxX <= city.maxX && minY >= city.minY && maxY <= city.maxY) return (p) => p;
  const span = Math.max(1, maxX - minX, maxY - minY);
  const side = SPREAD * Math.min(city.maxX - city.minX, city.maxY - city.minY);
  const cx = (city.minX + city.maxX) / 2 - side / 2;
  const cy = (city.minY + city.maxY) / 2 - side / 2;
  return (p) => ({ x: cx + ((p.x - minX) / span) * side, y: cy + ((p.y - minY) / span) * side });
}

/**
 * Where each replayed actor is drawn. Actors that report positions in their messages (couriers)
 * move to each reported position as the replay reaches it. The rest (stores, customers, cars — the
 * log does not say where they are) stand at their home in the scenario's world when the log is a
 * run of it, else in one compact group per kind around the city's centre, a sunflower spiral in
 * log order, so the layout is the same on every replay and each is clickable.
 */
export class ReplayLayout {
  readonly actors: readonly ViewedActor[];
  private readonly placed = new Map<string, Point>();
  private readonly toCity: Transform;

  /** `homes`: where the scenario's world stands each actor (a run log of that scenario), if known. */
  constructor(
    private readonly index: ReplayIndex,
    city: Box,
    homes: ReadonlyMap<string, Point> = new Map(),
  ) {
    const actors: ViewedActor[] = [];
    const groups = new Map<string, string[]>();
    for (const id of index.ids) {
      const known = kindOfId(id);
      if (!known) continue;
      const moves = index.reportsPosition(id);
      actors.push({ id, kind: known.kind, variant: index.variantOf(id) ?? known.variant, moves });
      const home = homes.get(id);
      if (home) this.placed.set(id, home);
      if (moves || home) continue;
      const group = groups.get(known.kind) ?? [];
      group.push(id);
      groups.set(known.kind, group);
    }
    this.actors = actors;
    const reported = index.reportedPoints();
    this.toCity = reported.length > 0 ? frameOf(reported, city) : (p) => p;
    const centre = { x: (city.minX + city.maxX) / 2, y: (city.minY + city.maxY) / 2 };
    const ring = (SPREAD / 2) * Math.min(city.maxX - city.minX, city.maxY - city.minY);
    [...groups.values()].forEach((ids, g) => {
      const angle = (2 * Math.PI * g) / groups.size;
      const at =
        groups.size === 1
          ? centre
          : { x: centre.x + ring * Math.cos(angle), y: centre.y + ring * Math.sin(angle) };
      ids.forEach((id, i) => {
        const r = SPACING * Math.sqrt(i);
        const a = i * 2.399_963; // the golden angle: even cover, no spokes
        this.placed.set(id, { x: at.x + r * Math.cos(a), y: at.y + r * Math.sin(a) });
      });
    });
  }

  /** Where `id` is drawn after the first `cursor` entries. */
  locate(id: string, cursor: number): Point | null {
    const reported = this.index.positionAt(id, cursor);
    return reported ? this.toCity(reported) : (this.placed.get(id) ?? null);
  }
}
