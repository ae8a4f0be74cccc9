import type { Point } from '../../machines/protocol.ts';
import type { City } from '../city/city.ts';
import type { TravelProfile } from '../city/road-graph.ts';

/** The routing port's answer: road distance (m) and duration (s), or nulls when unreachable. */
export interface RouteQuote {
  readonly distance: number | null;
  readonly duration: number | null;
}

export type RouteQuoter = (from: Point, to: Point) => RouteQuote;

/**
 * Quotes on the city's road graph, exactly as the simulated world does (car profile, nearest drive
 * nodes, whole metres and seconds), so a fee computed by the server equals the simulation's.
 */
export function roadQuoter(city: City): RouteQuoter {
  return (from, to) => {
    try {
      const a = city.nearestNode('drive', from.x, from.y);
      const b = city.nearestNode('drive', to.x, to.y);
      const route = city.route('car', a, b);
      return { distance: Math.round(route.distance), duration: Math.round(route.duration) };
    } catch {
      return { distance: null, duration: null };
    }
  };
}

/** Straight line × detour factor at a city car speed: for servers started without a city. */
export function straightLineQuoter(detour = 1.3, metresPerSecond = 8): RouteQuoter {
  return (from, to) => {
    const distance = Math.round(Math.hypot(to.x - from.x, to.y - from.y) * detour);
    return { distance, duration: Math.round(distance / metresPerSecond) };
  };
}

/**
 * Routes once across the city per profile before serving: the router builds its landmark tables
 * (a dozen Dijkstras, most of a second on a city) at its first A* query, which would otherwise stall
 * the event loop, and every ack behind it, in the middle of a measured run. Routes depend only on
 * the graph and the query, so warming changes no answer.
 */
export function warmRouter(city: City, profiles: readonly TravelProfile[]): void {
  const { minX, minY, maxX, maxY } = city.bbox;
  for (const profile of profiles) {
    const graph = profile === 'car' ? 'drive' : 'walk';
    try {
      city.route(profile, city.nearestNode(graph, minX, minY), city.nearestNode(graph, maxX, maxY));
    } catch {
      // an unreachable corner pair leaves the tables to the first real query
    }
  }
}

/**
 * One shortest-path tree from each store's drive node, built before serving: a third of errands
 * (buy for me) are picked up at a store, and the router answers any route starting at a node with
 * a tree by walking it (microseconds) instead of an A* search (about a millisecond on a city). A
 * tree path is a fastest path like A*'s, and the simulated world keeps the same trees from its hubs.
 */
export function warmStoreTrees(city: City, stores: readonly Point[]): number {
  const roots = new Set(stores.map((p) => city.nearestNode('drive', p.x, p.y)));
  for (const root of roots) city.precomputeTree('car', root, 'from');
  return roots.size;
}
