const DAY = 86_400_000;

/** Sim ms → "08:15:42", with "day 2 · " once the run passes midnight. */
export function formatClock(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const day = Math.floor(s / 86_400);
  const hh = String(Math.floor((s % 86_400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${day > 0 ? `day ${day + 1} · ` : ''}${hh}:${mm}:${ss}`;
}

/**
 * Reads what a user types into the seek box: "HH:MM" or "HH:MM:SS" within the shown day, or
 * "d+HH:MM" for another day. Returns sim ms or null.
 */
export function parseClock(text: string, currentDay: number): number | null {
  const m = /^\s*(?:(\d+)\+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/.exec(text);
  if (!m) return null;
  const day = m[1] !== undefined ? Number(m[1]) : currentDay;
  const h = Number(m[2]);
  const min = Number(m[3]);
  const sec = m[4] !== undefined ? Number(m[4]) : 0;
  if (h > 24 || min > 59 || sec > 59) return null;
  return day * DAY + ((h * 60 + min) * 60 + sec) * 1000;
}

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY);
}
