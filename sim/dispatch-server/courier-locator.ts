import type { CourierRecord } from '../../machines/dispatch.ts';
import { mapGet, type PersistentMap } from '../../machines/persistent-map.ts';
import type { Point } from '../../machines/protocol.ts';
import { MovingPointIndex } from '../city/spatial-index.ts';

interface Tracked {
  readonly index: number;
  categories: readonly string[];
}

/**
 * The server's spatial port: where each online courier last said it was, in an R-tree, so "idle
 * professional couriers near this pickup" is an index query, never a scan over every courier. It
 * is fed from accepted commands only (online, position, offline), in journal order, so a replay
 * rebuilds it exactly.
 */
export class CourierLocator {
  private readonly index = new MovingPointIndex();
  private readonly tracked = new Map<string, Tracked>();
  private readonly ids: string[] = [];

  /** Takes note of a courier command that was just accepted. */
  observe(type: string, body: Record<string, unknown>): void {
    const id = body.courierId;
    if (typeof id !== 'string') return;
    if (type === 'courier.offline') {
      const t = this.tracked.get(id);
      if (t) this.index.remove(t.index);
      return;
    }
    if (type !== 'courier.online' && type !== 'courier.position') return;
    const position = body.position as Point;
    let t = this.tracked.get(id);
    if (!t) {
      t = { index: this.ids.length, categories: [] };
      this.ids.push(id);
      this.tracked.set(id, t);
    }
    if (type === 'courier.online') t.categories = body.categories as string[];
    else if (!this.index.has(t.index)) return; // a position from an offline courier moves nobody
    this.index.set(t.index, position.x, position.y);
  }

  /**
   * Up to `limit` couriers within `radius` of `point`, nearest first, that take `category` and are
   * idle professionals according to dispatch's registry.
   */
  near(
    point: Point,
    radius: number,
    category: string,
    registry: PersistentMap<CourierRecord>,
    limit = 20,
  ): string[] {
    const out: string[] = [];
    for (const i of this.index.within(point.x, point.y, radius)) {
      const id = this.ids[i];
      const record = mapGet(registry, id);
      if (!record?.online || record.courierType !== 'professional' || record.activeOrder !== null) continue;
      if (!this.tracked.get(id)?.categories.includes(category)) continue;
      out.push(id);
      if (out.length === limit) break;
    }
    return out;
  }

  get online(): number {
    return this.index.size;
  }
}
