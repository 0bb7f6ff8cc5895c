const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Durations as operators write them (and kubectl's --request-timeout takes
 * them): `500ms`, `30s`, `5m`, `24h`, `7d`, combined as `1h30m`; a bare number is seconds.
 * Returns milliseconds, or null when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return null;
  return parts.reduce((total, p) => total + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}
