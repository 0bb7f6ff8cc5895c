import { readdir, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { describeFsError } from '../manifests/fs-errors.js';
import { inspectSnapshot } from '../snapshot/inspect.js';
import { SnapshotReadError } from '../snapshot/types.js';
import type { ScanGap } from '../types.js';
import { isMissing, underRoot } from './paths.js';
import type { EtcdDataDir } from './types.js';

/** kubeadm's data dir is /var/lib/etcd; restores go beside it (/var/lib/etcd-from-backup in the Kubernetes docs). */
const DEFAULT_PARENT = '/var/lib';

/**
 * The etcd data directories etcd.yaml points at, and every `etcd*` directory
 * beside them (and under /var/lib) that holds a `member/` folder: where
 * `etcdctl snapshot restore --data-dir` leaves a restore.
 */
export async function readEtcdDataDirs(root: string, wired: string[], gaps: ScanGap[]): Promise<EtcdDataDir[]> {
  const named = [...new Set(wired.map((p) => posix.normalize(p).replace(/(.)\/+$/, '$1')))];
  const dirs: EtcdDataDir[] = [];
  for (const path of named) dirs.push(await readDataDir(root, path, true, gaps));
  const parents = [...new Set([...named.map((p) => posix.dirname(p)), DEFAULT_PARENT])].sort();
  for (const parent of parents) {
    for (const path of await etcdSiblings(root, parent, gaps)) {
      if (named.includes(path) || dirs.some((d) => d.path === path)) continue;
      const dir = await readDataDir(root, path, false, gaps);
      if (dir.memberCreated !== undefined) dirs.push(dir);
    }
  }
  return dirs;
}

async function etcdSiblings(root: string, parent: string, gaps: ScanGap[]): Promise<string[]> {
  const folder = underRoot(root, parent);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (err) {
    if (!isMissing(err)) gaps.push({ what: folder, reason: `cannot list etcd data dirs: ${describeFsError(err)}`, affects: ['host'] });
    return [];
  }
  const found: string[] = [];
  for (const name of names.filter((n) => n.startsWith('etcd')).sort()) {
    const path = posix.join(parent, name);
    const info = await stat(underRoot(root, path)).catch(() => null);
    if (info?.isDirectory()) found.push(path);
  }
  return found;
}

async function readDataDir(root: string, path: string, wired: boolean, gaps: ScanGap[]): Promise<EtcdDataDir> {
  const file = underRoot(root, path);
  const dir: EtcdDataDir = { path, file, exists: false, wired };
  const info = await statOrGap(file, gaps);
  if (!info?.isDirectory()) return dir;
  dir.exists = true;
  const member = await statOrGap(underRoot(root, posix.join(path, 'member')), gaps);
  if (member?.isDirectory()) dir.memberCreated = member.mtime.toISOString();
  const dbFile = underRoot(root, posix.join(path, 'member', 'snap', 'db'));
  const db = await statOrGap(dbFile, gaps);
  if (!db?.isFile()) return dir;
  dir.database = { size: db.size, mtime: db.mtime.toISOString() };
  if (wired) {
    try {
      // Opened without bbolt's lock, so a running etcd never makes this wait.
      dir.inspected = await inspectSnapshot(dbFile);
    } catch (err) {
      if (!(err instanceof SnapshotReadError)) throw err;
      gaps.push({ what: dbFile, reason: `etcd's database cannot be read: ${err.reason}`, affects: ['host'] });
    }
  }
  return dir;
}

async function statOrGap(path: string, gaps: ScanGap[]) {
  try {
    return await stat(path);
  } catch (err) {
    if (!isMissing(err)) gaps.push({ what: path, reason: `cannot read: ${describeFsError(err)}`, affects: ['host'] });
    return null;
  }
}
