import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import { refusal, UnreadableFile } from '../open-file.js';
import { isMissing, NodeRoot, rootReason } from '../root/node-root.js';
import { inspectOpenSnapshot } from '../snapshot/inspect.js';
import { SnapshotReadError } from '../snapshot/types.js';
import type { ScanGap } from '../types.js';
import type { EtcdDataDir } from './types.js';

/** kubeadm's data dir is /var/lib/etcd; restores go beside it (/var/lib/etcd-from-backup in the Kubernetes docs). */
const DEFAULT_PARENT = '/var/lib';

/**
 * The etcd data directories etcd.yaml points at, and every `etcd*` directory
 * beside them (and under /var/lib) that holds a `member/` folder: where
 * `etcdctl snapshot restore --data-dir` leaves a restore.
 */
export async function readEtcdDataDirs(root: NodeRoot, wired: string[], gaps: ScanGap[]): Promise<EtcdDataDir[]> {
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

async function etcdSiblings(root: NodeRoot, parent: string, gaps: ScanGap[]): Promise<string[]> {
  let names: string[];
  try {
    names = await root.list(parent);
  } catch (err) {
    if (!isMissing(err)) gaps.push({ what: root.display(parent), reason: `cannot list etcd data dirs: ${rootReason(err)}`, affects: ['host'] });
    return [];
  }
  const found: string[] = [];
  for (const name of names.filter((n) => n.startsWith('etcd')).sort()) {
    const path = posix.join(parent, name);
    const info = await root.stat(path).catch(() => null);
    if (info?.isDirectory()) found.push(path);
  }
  return found;
}

async function readDataDir(root: NodeRoot, path: string, wired: boolean, gaps: ScanGap[]): Promise<EtcdDataDir> {
  const file = root.display(path);
  const dir: EtcdDataDir = { path, file, exists: false, wired };
  const info = await statOrGap(root, path, gaps);
  if (!info?.isDirectory()) return dir;
  dir.exists = true;
  const member = await statOrGap(root, posix.join(path, 'member'), gaps);
  if (member?.isDirectory()) dir.memberCreated = member.mtime.toISOString();
  const dbPath = posix.join(path, 'member', 'snap', 'db');
  const dbFile = root.display(dbPath);
  const db = await statOrGap(root, dbPath, gaps);
  if (!db) return dir;
  if (!db.isFile()) {
    // etcd opens member/snap/db as its bbolt file; anything else there is a database nobody can read.
    gaps.push({ what: dbFile, reason: `etcd's database cannot be read: ${refusal(db) ?? 'is not a regular file'}`, affects: ['host'] });
    return dir;
  }
  dir.database = { size: db.size, mtime: db.mtime.toISOString() };
  if (wired) {
    try {
      // Opened without bbolt's lock, so a running etcd never makes this wait.
      const opened = await root.open(dbPath);
      dir.inspected = await inspectOpenSnapshot(opened.handle, dbFile);
    } catch (err) {
      if (!(err instanceof SnapshotReadError || err instanceof UnreadableFile)) throw err;
      gaps.push({ what: dbFile, reason: `etcd's database cannot be read: ${err.reason}`, affects: ['host'] });
    }
  }
  return dir;
}

async function statOrGap(root: NodeRoot, path: string, gaps: ScanGap[]): Promise<Stats | null> {
  try {
    return await root.stat(path);
  } catch (err) {
    if (!isMissing(err)) gaps.push({ what: root.display(path), reason: `cannot read: ${rootReason(err)}`, affects: ['host'] });
    return null;
  }
}
