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

const PALETTE = [0x22d3ee, 0xa3e635, 0xc084fc, 0xf472b6, 0x2dd4bf, 0xfbbf24, 0x818cf8, 0xfda4af];

/** The top-level state of a full state string: `working(job.toPickup|…)` → `working`. */
export function topLevel(state: string): string {
  const cut = state.search(/[.(|]/);
  return cut < 0 ? state : state.slice(0, cut);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** 0xRRGGBB for a state string. */
export function stateColor(state: string): number {
  const top = topLevel(state);
  return MEANING[top] ?? PALETTE[hash(top) % PALETTE.length];
}

export function cssColor(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}
