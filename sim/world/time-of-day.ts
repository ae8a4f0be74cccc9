/** "HH:MM" → ms since midnight ("24:00" is the end of the day). */
export function clockToMs(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h * 60 + m) * 60_000;
}

/**
 * Parses a duration such as "90s", "45m", "2h", "1d" or "1h30m" (a bare number is seconds) into ms,
 * so `--until 2h` reads the way planners speak.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(re)) {
    const value = Number(match[1]);
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
      match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
    ];
    total += value * unit;
    consumed += match[0].length;
  }
  if (consumed !== trimmed.length || consumed === 0)
    throw new Error(`expected a duration like 90s, 45m, 2h, 1d or 1h30m, got "${text}"`);
  return total;
}

/** Formats sim ms as "d+HH:MM:SS" for progress lines and the twin's clock. */
export function formatSimTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const hh = String(Math.floor((s % 86_400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${d > 0 ? `${d}+` : ''}${hh}:${mm}:${ss}`;
}
