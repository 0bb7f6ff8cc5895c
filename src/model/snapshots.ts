import { basename, normalize, sep } from 'node:path';
import type { SnapshotReport } from '../sources/snapshot/types.js';
import type { Inputs } from '../sources/types.js';
import { timeInName } from './snapshot-time.js';
import type { BackupSnapshot, Backups } from './types.js';
import { readResourceDump } from './resource-dumps.js';

function snapshotOf(report: SnapshotReport): BackupSnapshot {
  const named = timeInName(basename(report.file));
  return {
    file: report.file,
    report,
    takenAt: named ?? new Date(report.fileMtime),
    takenAtFrom: named ? 'file name' : 'file time',
    restorable: (report.verdict === 'ok' || report.verdict === 'unverifiable') && (report.kubernetes?.liveKeys ?? 0) > 0,
    // A snapshot is a binary file: findings point at the file itself.
    subject: { ref: { kind: 'EtcdSnapshot', name: basename(report.file) }, provenance: { type: 'file', file: report.file, line: 1, column: 1 } },
  };
}

/** Null when no backup location was given: the backup rules then have nothing to judge. */
export function readBackups(inputs: Inputs): Backups | null {
  if (inputs.backupLocations === undefined) return null;
  const snapshots = (inputs.snapshots ?? []).map(snapshotOf);
  const dumps = (inputs.resourceDumps ?? []).map(readResourceDump);
  const locations = inputs.backupLocations.map((path) => {
    const dir = normalize(path);
    const inside = (file: string): boolean => normalize(file) === dir || normalize(file).startsWith(dir.endsWith(sep) ? dir : dir + sep);
    return { path, snapshots: snapshots.filter((s) => inside(s.file)), dumps: dumps.filter((d) => inside(d.file)) };
  });
  return { locations, snapshots, dumps };
}

