import { lstat, readlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { posix } from 'node:path';
import { refusal, UnreadableFile } from '../open-file.js';
import { NodeRoot, orGap } from '../root/node-root.js';
import { inspectOpenSnapshot } from '../snapshot/inspect.js';
import { SnapshotReadError } from '../snapshot/types.js';
import type { ScanGap } from '../types.js';
import type { InRoot } from '../root/resolve.js';
import { readDataIdentity } from './restore-identity.js';
import { searchDataDirs } from './restore-search.js';
import type { EtcdDataDir } from './types.js';

/**
 * The etcd data directories etcd.yaml points at, and every other data dir
 * (a folder holding `member/`) beside them and in the places operators leave
 * `etcdctl snapshot restore --data-dir` output (restore-search.ts), each with
 * whose data it holds (restore-identity.ts) and how it was found.
 */
export async function readEtcdDataDirs(root: NodeRoot, wired: string[], gaps: ScanGap[]): Promise<EtcdDataDir[]> {
  const named = [...new Set(wired.map((p) => posix.normalize(p).replace(/(.)\/+$/, '$1')))];
  const dirs: EtcdDataDir[] = [];
  for (const path of named) dirs.push(await readDataDir(root, path, true, 'named by etcd.yaml', gaps));
  const real = dirs.map((d) => d.realPath).filter((p): p is string => p !== undefined);
  for (const found of await searchDataDirs(root, named, real, gaps)) {
    dirs.push(await readDataDir(root, found.path, false, found.foundBy, gaps));
  }
  return dirs;
}

async function readDataDir(root: NodeRoot, path: string, wired: boolean, foundBy: string, gaps: ScanGap[]): Promise<EtcdDataDir> {
  const file = root.display(path);
  const dir: EtcdDataDir = { path, file, exists: false, wired, foundBy };
  const resolved = await resolveOrGap(root, path, gaps);
  if (!resolved) {
    const target = await danglingTarget(root, path);
    if (target !== null) dir.danglingLink = target;
  }
  if (!resolved?.info.isDirectory()) return dir;
  dir.exists = true;
  dir.realPath = resolved.nodePath;
  const member = await statOrGap(root, posix.join(path, 'member'), gaps);
  if (member?.isDirectory()) {
    dir.memberCreated = member.mtime.toISOString();
    const identity = await readDataIdentity(root, path);
    if (identity && 'problem' in identity) {
      dir.identityProblem = identity.problem;
      gaps.push({ what: file, reason: `cannot tell whose etcd data it holds (a restore, a copy, the original): ${identity.problem}` });
    }
    else if (identity) dir.identity = identity;
  }
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

/** The target of `path` when it is a symbolic link that leads nowhere inside the root (an absolute target starts at the root). */
async function danglingTarget(root: NodeRoot, path: string): Promise<string | null> {
  const parent = await root.resolve(posix.dirname(path)).catch(() => null);
  if (!parent?.info.isDirectory()) return null;
  const disk = posix.join(parent.disk, posix.basename(path));
  const info = await lstat(disk).catch(() => null);
  return info?.isSymbolicLink() ? readlink(disk).catch(() => null) : null;
}

const resolveOrGap = (root: NodeRoot, path: string, gaps: ScanGap[]): Promise<InRoot | null> => orGap(root, path, gaps, ['host'], () => root.resolve(path));

const statOrGap = (root: NodeRoot, path: string, gaps: ScanGap[]): Promise<Stats | null> => orGap(root, path, gaps, ['host'], () => root.stat(path));
