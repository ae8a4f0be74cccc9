/**
 * Local equirectangular projection: every geometry in the simulation is in metres east/north of a
 * reference point, so distances, speeds and spatial queries are plain Euclidean arithmetic.
 *
 * Over a city (tens of kilometres) the error of an equirectangular projection is well below the
 * accuracy of OpenStreetMap itself, and unlike a real map projection it is trivially invertible and
 * cheap enough to apply to every node at load time.
 */

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_METERS = 6_371_008.8;

const DEG = Math.PI / 180;

export interface XY {
  readonly x: number;
  readonly y: number;
}

export interface LonLat {
  readonly lon: number;
  readonly lat: number;
}

export interface Projection {
  readonly refLon: number;
  readonly refLat: number;
  /** Metres east (x) and north (y) of the reference point. */
  toXY(lon: number, lat: number): XY;
  /** Inverse of {@link Projection.toXY}. */
  toLonLat(x: number, y: number): LonLat;
}

/**
 * Creates the projection centred on (refLon, refLat). Why a factory over plain functions: the
 * cosine of the reference latitude is computed once and the reference travels with the city, so a
 * cached city and the twin project coordinates exactly as the loader did.
 */
export function createProjection(refLon: number, refLat: number): Projection {
  if (!Number.isFinite(refLon) || !Number.isFinite(refLat) || Math.abs(refLat) >= 89) {
    throw new Error(`Projection reference must be finite with |lat| < 89°, got (${refLon}, ${refLat})`);
  }
  const kx = EARTH_RADIUS_METERS * DEG * Math.cos(refLat * DEG);
  const ky = EARTH_RADIUS_METERS * DEG;
  return {
    refLon,
    refLat,
    toXY: (lon, lat) => ({ x: (lon - refLon) * kx, y: (lat - refLat) * ky }),
    toLonLat: (x, y) => ({ lon: refLon + x / kx, lat: refLat + y / ky }),
  };
}
