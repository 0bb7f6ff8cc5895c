const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** What the options schema accepts: `24h`, `90m`, `2d`, `1w`, `1d12h`. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?[smhdw])+$';

/** Milliseconds of a duration such as `24h`, `2d` or `1d12h`; null when it is not one. */
export function parseDuration(text: string): number | null {
  if (!new RegExp(DURATION_PATTERN).test(text)) return null;
  let ms = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)([smhdw])/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

/** "3 days", "5 hours", "40 minutes": the largest whole unit, rounded down. */
export function describeAge(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute']];
  for (const [size, name] of units) {
    const n = Math.floor(ms / size);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'}`;
  }
  return 'less than a minute';
}

/** `2026-11-12T03:00:00Z`: an instant as operators read it, without milliseconds. */
export function showTime(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}
