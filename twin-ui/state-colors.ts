/**
 * Colours of actor states, shared by the instanced meshes and the legend. Generic over kinds: a
 * state is coloured by its top-level name, with a fixed meaning for the words the machines use
 * (off duty and closed are grey, idle and open green, working orange, waiting red …) and a stable
 * hash colour for any state a new machine brings, so new kinds look consistent without changes here.
 */
const MEANING: Record<string, number> = {
  offDuty: 0x6b7280,
  off: 0x6b7280,
  closed: 0x6b7280,
  parked: 0x8b95a5,
  locked: 0x8b95a5,
  starting: 0x9ca3af,
  idle: 0x34d399,
  open: 0x34d399,
  available: 0x34d399,
  roaming: 0x34d399,
  accepting: 0xfacc15,
  publishing: 0xfacc15,
  quoting: 0xfacc15,
  cancelling: 0xfacc15,
  working: 0xfb923c,
  busy: 0xfb923c,
  driving: 0xfb923c,
  assigned: 0xfb923c,
  pickedUp: 0xf97316,
  waiting: 0xf43f5e,
  closing: 0x60a5fa,
  jobDone: 0x60a5fa,
  done: 0x60a5fa,
  restocking: 0xa78bfa,
  unlocked: 0xe879f9,
  alarm: 0xef4444,
  error: 0xef4444,
  failed: 0xef4444,
};

/** Kind-specific exceptions: an idle customer is the background of the city, not news. */
const KIND_MEANING: Record<string, number> = {
  'customer.idle': 0x526079,
};

const PALETTE = [0x22d3ee, 0xa3e635, 0xc084fc, 0xf472b6, 0x2dd4bf, 0xfbbf24, 0x818cf8, 0xfda4af];

/**
 * The state that names an actor's condition: the top-level state (`working(job.toPickup|…)` →
 * `working`), or for a machine whose top level is parallel regions, the first region's state
 * (`motion.parked|doors.locked|…` → `parked`).
 */
export function topLevel(state: string): string {
  const bar = state.indexOf('|');
  const paren = state.indexOf('(');
  if (bar >= 0 && (paren < 0 || bar < paren)) {
    const first = state.slice(0, bar);
    const dot = first.indexOf('.');
    return dot < 0 ? first : topLevel(first.slice(dot + 1));
  }
  const cut = state.search(/[.(|]/);
  return cut < 0 ? state : state.slice(0, cut);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** 0xRRGGBB for a state string of an actor of `kind`. */
export function stateColor(state: string, kind = ''): number {
  const top = topLevel(state);
  return KIND_MEANING[`${kind}.${top}`] ?? MEANING[top] ?? PALETTE[hash(top) % PALETTE.length];
}

export function cssColor(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}

/** Colours of the coverage areas, in the scenario's order (map outlines and legend). */
export const AREA_COLORS = [0x38bdf8, 0xf472b6, 0xa3e635, 0xfbbf24, 0xc084fc, 0x2dd4bf];
