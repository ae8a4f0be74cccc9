import { createOSMStream } from 'osm-pbf-parser-node';
import type { OsmTags } from './osm-tags.ts';
import { NODE_TAG_KEYS, WAY_TAG_KEYS } from './osm-tags.ts';

export interface OsmWay {
  readonly id: number;
  readonly refs: readonly number[];
  readonly tags: OsmTags;
}

export interface OsmPointFeature {
  readonly id: number;
  readonly lon: number;
  readonly lat: number;
  readonly tags: OsmTags;
}

/**
 * The part of a PBF extract the city needs: every node's position (sorted by id, looked up by
 * binary search) and only the ways that are roads, buildings or parking. Sorting everything by OSM
 * id makes the build independent of the order blocks appear in the file.
 */
export interface OsmExtract {
  readonly nodeId: Float64Array;
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly ways: readonly OsmWay[];
  readonly parkingNodes: readonly OsmPointFeature[];
  /** Header bounding box in degrees, when the file has one. */
  readonly bbox:
    | { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number }
    | undefined;
}

interface RawEntity {
  readonly type?: string;
  readonly id?: number;
  readonly lat?: number;
  readonly lon?: number;
  readonly refs?: number[];
  readonly tags?: Record<string, string>;
  readonly bbox?: { left: number; right: number; top: number; bottom: number };
}

/** Streams a .osm.pbf file once and keeps what {@link OsmExtract} describes. */
export async function readOsmExtract(pbfPath: string): Promise<OsmExtract> {
  const ids: number[] = [];
  const lons: number[] = [];
  const lats: number[] = [];
  const ways: OsmWay[] = [];
  const parkingNodes: OsmPointFeature[] = [];
  let bbox: OsmExtract['bbox'];
  const stream = createOSMStream(pbfPath, {
    withInfo: false,
    withTags: { node: [...NODE_TAG_KEYS], way: [...WAY_TAG_KEYS], relation: false },
  });
  for await (const item of stream) {
    const batch = (Array.isArray(item) ? item : [item]) as RawEntity[];
    for (const e of batch) {
      if (e.type === 'node' && e.id !== undefined && e.lon !== undefined && e.lat !== undefined) {
        ids.push(e.id);
        lons.push(e.lon);
        lats.push(e.lat);
        if (e.tags?.amenity === 'parking')
          parkingNodes.push({ id: e.id, lon: e.lon, lat: e.lat, tags: e.tags });
      } else if (e.type === 'way' && e.id !== undefined && e.refs && e.tags) {
        const t = e.tags;
        if (
          t.highway !== undefined ||
          t.amenity === 'parking' ||
          (t.building !== undefined && t.building !== 'no')
        ) {
          ways.push({ id: e.id, refs: e.refs, tags: t });
        }
      } else if (e.type === undefined && e.bbox) {
        const b = e.bbox;
        bbox = { left: b.left / 1e9, right: b.right / 1e9, top: b.top / 1e9, bottom: b.bottom / 1e9 };
      }
    }
  }
  const order = ids.map((_, i) => i);
  let sorted = true;
  for (let i = 1; i < ids.length && sorted; i++) sorted = ids[i - 1] < ids[i];
  if (!sorted) order.sort((a, b) => ids[a] - ids[b]);
  const nodeId = new Float64Array(ids.length);
  const lon = new Float64Array(ids.length);
  const lat = new Float64Array(ids.length);
  order.forEach((src, dst) => {
    nodeId[dst] = ids[src];
    lon[dst] = lons[src];
    lat[dst] = lats[src];
  });
  ways.sort((a, b) => a.id - b.id);
  parkingNodes.sort((a, b) => a.id - b.id);
  return { nodeId, lon, lat, ways, parkingNodes, bbox };
}

/** Position of an OSM node id in the sorted extract arrays, or -1 when the extract lacks it. */
export function nodeIndexOf(extract: OsmExtract, id: number): number {
  const ids = extract.nodeId;
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid];
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
