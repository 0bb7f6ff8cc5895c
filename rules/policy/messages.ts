import type { Version } from '../../src/model/version.js';
import { formatVersion, minorDistance } from '../../src/model/version.js';

/** `v1.27.3`, keeping a distribution suffix such as `-eks-a1b2c3` out of the way. */
export const show = (v: Version): string => formatVersion(v);

/** "2 minors older than", "1 minor newer than", "the same minor as". */
export function distance(a: Version, b: Version): string {
  const d = minorDistance(a, b);
  if (d === 0) return 'the same minor as';
  const n = Math.abs(d);
  return `${n} minor${n === 1 ? '' : 's'} ${d < 0 ? 'older' : 'newer'} than`;
}
