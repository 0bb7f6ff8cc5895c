import { type Dirent, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileKind } from '../open-file.js';
import type { ScanGap } from '../types.js';
import { inspectSnapshot } from './inspect.js';
import { looksLikeDump, readResourceDump } from './resource-dumps.js';
import { type InspectOptions, type ResourceDumpReport, type SnapshotReport, SnapshotReadError } from './types.js';

export interface BackupFolders {
  snapshots: SnapshotReport[];
  /** Resource dumps: the folders' `.yaml`, `.yml` and `.json` files. */
  resourceDumps: ResourceDumpReport[];
  gaps: ScanGap[];
}

/**
 * Finds and inspects etcd snapshots under backup folders, recursively:
 * `*.db` files, files named `snapshot*` (`etcdctl snapshot save` leaves
 * `NAME.part` behind when interrupted), and `member/snap/db` of copied data dirs;
 * and resource dumps beside them (`*.yaml`, `*.yml`, `*.json`, as
 * `kubectl get -o yaml|json` writes them), whatever their name.
 * A folder or file that cannot be read becomes a gap, never a silent skip.
 */
export async function readBackupFolders(dirs: string[], options: InspectOptions = {}): Promise<BackupFolders> {
  const gaps: ScanGap[] = [];
  const files: string[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    // A file given where a folder is expected is inspected as it is, whatever its name.
    const st = await fs.stat(dir).catch(() => null);
    if (st?.isFile()) files.push(dir);
    else await collect(dir, files, gaps, seen);
  }
  const snapshots: SnapshotReport[] = [];
  const resourceDumps: ResourceDumpReport[] = [];
  for (const file of [...new Set(files)].sort()) {
    if (looksLikeDump(file)) {
      const dump = await readResourceDump(file);
      if (dump.report) resourceDumps.push(dump.report);
      gaps.push(...dump.gaps.map((g) => ({ ...g, affects: ['snapshots' as const] })));
      continue;
    }
    try {
      snapshots.push(await inspectSnapshot(file, options));
    } catch (err) {
      if (!(err instanceof SnapshotReadError)) throw err;
      gaps.push({ what: file, reason: err.reason, affects: ['snapshots'] });
    }
  }
  return { snapshots, resourceDumps, gaps };
}

function looksLikeSnapshot(path: string): boolean {
  if (looksLikeDump(path)) return true;
  const name = basename(path);
  if (name.endsWith('.db') || name.startsWith('snapshot')) return true;
  return name === 'db' && basename(dirname(path)) === 'snap' && basename(dirname(dirname(path))) === 'member';
}

async function collect(dir: string, files: string[], gaps: ScanGap[], seen: Set<string>): Promise<void> {
  let real: string;
  let entries: Dirent[];
  try {
    real = await fs.realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    gaps.push({ what: dir, reason: `backup folder cannot be read: ${reason(err)}`, affects: ['snapshots'] });
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const st = await fs.stat(path);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'broken link: its target does not exist' : `cannot be read: ${reason(err)}`;
        if (looksLikeSnapshot(path)) gaps.push({ what: path, reason: why, affects: ['snapshots'] });
        continue;
      }
    }
    if (isDir) await collect(path, files, gaps, seen);
    else if (looksLikeSnapshot(path)) {
      if (isFile) files.push(path);
      else gaps.push({ what: path, reason: await notRegular(path), affects: ['snapshots'] });
    }
  }
}

async function notRegular(path: string): Promise<string> {
  const st = await fs.stat(path).catch(() => null);
  return st ? `is ${fileKind(st)}, not a snapshot file` : 'is not a regular file';
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'not a directory';
  return err instanceof Error ? err.message : String(err);
}
