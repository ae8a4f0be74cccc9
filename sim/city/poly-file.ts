/** A polygon from an Osmosis .poly file: outer rings and holes, lon/lat, closing vertex not repeated. */
export interface PolyFile {
  readonly name: string;
  readonly outer: readonly (readonly [number, number][])[];
  readonly holes: readonly (readonly [number, number][])[];
}

/**
 * Parses the Osmosis polygon filter format (name line; sections of "lon lat" lines each ended by
 * END, hole sections prefixed with "!"; a final END). Extracts such as data/monaco.poly describe
 * the area the city is about, which becomes the City boundary.
 */
export function parsePolyFile(text: string): PolyFile {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const name = lines[0] ?? '';
  const outer: [number, number][][] = [];
  const holes: [number, number][][] = [];
  let i = 1;
  while (i < lines.length) {
    const header = lines[i++];
    if (header === '') continue;
    if (header === 'END') break;
    const ring: [number, number][] = [];
    for (; i < lines.length && lines[i] !== 'END'; i++) {
      if (lines[i] === '') continue;
      const parts = lines[i].split(/\s+/).map(Number);
      if (parts.length < 2 || !Number.isFinite(parts[0]) || !Number.isFinite(parts[1])) {
        throw new Error(`.poly line ${i + 1}: expected "lon lat", got "${lines[i]}"`);
      }
      ring.push([parts[0], parts[1]]);
    }
    if (i >= lines.length) throw new Error(`.poly section "${header}" has no END`);
    i++;
    const last = ring[ring.length - 1];
    if (ring.length > 1 && last[0] === ring[0][0] && last[1] === ring[0][1]) ring.pop();
    if (ring.length < 3) throw new Error(`.poly section "${header}" has fewer than 3 vertices`);
    (header.startsWith('!') ? holes : outer).push(ring);
  }
  if (outer.length === 0) throw new Error('.poly file has no outer ring');
  return { name, outer, holes };
}
