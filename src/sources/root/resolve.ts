import type { Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { joinDisplay } from '../manifests/display-path.js';

/**
 * Symbolic links Linux follows in one path lookup before it fails with
 * ELOOP (MAXSYMLINKS, path_resolution(7):
 * https://man7.org/linux/man-pages/man7/path_resolution.7.html).
 */
export const MAX_SYMLINKS = 40;

/**
 * Where a node's path (`/var/lib/etcd`) is under `--root`, as findings name
 * it: the root as given + the path. Lexical only (`..` never leads out of the
 * root); reading goes through resolveInRoot.
 */
export function underRoot(root: string, nodePath: string): string {
  const inside = posix.normalize(posix.join('/', nodePath)).replace(/^\/+/, '');
  return inside === '' ? root : joinDisplay(root, inside);
}

/** A path lookup that failed, with the errno open(2) would have given. */
class ResolveError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'ENOTDIR' | 'ELOOP',
    readonly nodePath: string,
  ) {
    super(`${code}: ${nodePath}`);
  }
}

export interface InRoot {
  /** The path on the node once every link is followed: `/etc/ssl/certs/ca.crt`. */
  nodePath: string;
  /** Where that is on this machine: the root + nodePath. */
  disk: string;
  /** lstat of it: never a symbolic link. */
  info: Stats;
}

/**
 * Follows `nodePath` as the node itself would with `root` as its `/`, like
 * chroot(2) or openat2(2) with RESOLVE_IN_ROOT
 * (https://man7.org/linux/man-pages/man2/openat2.2.html): an absolute link
 * target starts again at the root, `..` at the root stays there, and after
 * MAX_SYMLINKS links the lookup fails with ELOOP. So nothing under a node's
 * copied root (`pki -> /`, `ca.crt -> ../../../../etc/passwd`,
 * `ca.crt -> /etc/ssl/certs/ca.pem`) resolves to a file outside it. Each
 * component is looked up with lstat, one at a time, and read links are
 * expanded in place. Fails with the fs error of the component that is not
 * there (ENOENT, EACCES) or a ResolveError.
 */
export async function resolveInRoot(root: string, nodePath: string): Promise<InRoot> {
  const pending = nodePath.split('/').reverse();
  const done: string[] = [];
  let info: Stats | undefined;
  let links = 0;
  while (pending.length > 0) {
    const part = pending.pop()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      done.pop();
      info = undefined;
      continue;
    }
    const disk = posix.join(root, ...done, part);
    const found = await lstat(disk);
    if (found.isSymbolicLink()) {
      links += 1;
      if (links > MAX_SYMLINKS) throw new ResolveError('ELOOP', nodePath);
      const target = await readlink(disk);
      if (target.startsWith('/')) done.length = 0;
      pending.push(...target.split('/').reverse());
      continue;
    }
    if (!found.isDirectory() && pending.some((p) => p !== '' && p !== '.')) throw new ResolveError('ENOTDIR', nodePath);
    done.push(part);
    info = found;
  }
  const disk = done.length === 0 ? root : posix.join(root, ...done);
  return { nodePath: `/${done.join('/')}`, disk, info: info ?? (await lstat(disk)) };
}
