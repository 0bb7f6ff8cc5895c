import type { Version } from '../model/version.js';
import { formatVersion, minorDistance } from '../model/version.js';

/** `v1.27.3`, keeping a distribution suffix such as `-eks-a1b2c3` out of the way. */
export const show = (v: Version): string => formatVersion(v);

/** "2 minors older than", "1 minor newer than", "the same minor as". */
export function distance(a: Version, b: Version): string {
  const d = minorDistance(a, b);
  if (d === 0) return 'the same minor as';
  const n = Math.abs(d);
  return `${n} minor${n === 1 ? '' : 's'} ${d < 0 ? 'older' : 'newer'} than`;
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
