/**
 * How each actor kind looks: a shape and a size in metres. Generic: kinds the machines add later
 * get a shape from a stable hash, so they appear (and show in the legend) without changes here.
 * Variants of one kind (professional and ordinary couriers) get different shapes of the kind's family.
 */
export type ShapeName = 'cone' | 'octahedron' | 'box' | 'slab' | 'cylinder' | 'disc' | 'sphere' | 'car';

export interface ActorShape {
  readonly shape: ShapeName;
  /** Metres at the closest zoom; the viewer enlarges markers as the camera pulls back. */
  readonly size: number;
  /** Height of the marker's centre above the ground, in sizes. */
  readonly lift: number;
  /**
   * How fast the marker grows as the camera pulls back (size × zoom^grow; default 1). Customers at
   * home are thousands of static dots: grown like movers they carpet the map from afar and cost
   * most of a software renderer's frame, so they grow more slowly.
   */
  readonly grow?: number;
}

const BY_KIND: Record<string, ActorShape> = {
  courier: { shape: 'cone', size: 6, lift: 0.6 },
  store: { shape: 'box', size: 10, lift: 0.5 },
  customer: { shape: 'disc', size: 4, lift: 0.1, grow: 0.5 },
  vehicle: { shape: 'car', size: 7, lift: 0.3 },
  robot: { shape: 'cylinder', size: 6, lift: 0.5 },
  beacon: { shape: 'sphere', size: 4, lift: 1.2 },
};

const VARIANT_SHAPES: Partial<Record<ShapeName, ShapeName[]>> = {
  cone: ['cone', 'octahedron'],
  box: ['box', 'slab'],
  cylinder: ['cylinder', 'sphere'],
  car: ['car', 'slab'],
};

const FALLBACK: ShapeName[] = ['octahedron', 'sphere', 'cylinder', 'slab'];

function hash(text: string): number {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}

/** The shape of a class; `variantRank` is the variant's position among its kind's variants. */
export function shapeFor(kind: string, variantRank: number): ActorShape {
  const base = BY_KIND[kind] ?? { shape: FALLBACK[hash(kind) % FALLBACK.length], size: 6, lift: 0.6 };
  const family = VARIANT_SHAPES[base.shape];
  if (!family || variantRank === 0) return base;
  return { ...base, shape: family[variantRank % family.length] };
}

/** A small inline SVG of a shape for the legend. */
export function shapeIcon(shape: ShapeName, color: string): string {
  const paths: Record<ShapeName, string> = {
    cone: '<polygon points="8,1 15,15 1,15"/>',
    octahedron: '<polygon points="8,1 15,8 8,15 1,8"/>',
    box: '<rect x="2" y="2" width="12" height="12"/>',
    slab: '<rect x="1" y="5" width="14" height="7"/>',
    cylinder: '<rect x="3" y="1" width="10" height="14" rx="5"/>',
    disc: '<ellipse cx="8" cy="10" rx="7" ry="4"/>',
    sphere: '<circle cx="8" cy="8" r="6"/>',
    car: '<rect x="1" y="5" width="14" height="7" rx="2"/>',
  };
  return `<svg width="16" height="16" viewBox="0 0 16 16" fill="${color}">${paths[shape]}</svg>`;
}
