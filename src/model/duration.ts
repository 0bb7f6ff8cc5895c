const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * The one duration grammar of kcheck, for flags (`--timeout`, `--max-age`)
 * and config options (`maxAge`) alike: a number and a unit, `ms`, `s`, `m`,
 * `h`, `d` or `w`, repeated as in `1d12h` or `1h30m` (kubectl's
 * --request-timeout takes the same units up to `h`). A bare number is refused:
 * `maxAge: 24` could mean hours as well as seconds. The JSON schema of rule
 * options uses the same pattern.
 */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d|w))+$';

/** Milliseconds of a duration such as `500ms`, `24h`, `2d`, `1w` or `1d12h`; null when it is not one. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!new RegExp(DURATION_PATTERN).test(trimmed)) return null;
  let ms = 0;
  for (const m of trimmed.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}
