import { posix } from 'node:path';
import { joinDisplay } from '../manifests/display-path.js';

/**
 * Where a node's path (`/var/lib/etcd`) is under `--root`. The path is
 * normalised as absolute first, so `..` never leads out of the root.
 */
export function underRoot(root: string, nodePath: string): string {
  const inside = posix.normalize(posix.join('/', nodePath)).replace(/^\/+/, '');
  return inside === '' ? root : joinDisplay(root, inside);
}

export function isMissing(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
