import { stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { terminalLines, terminalText } from '../../report/escape-terminal.js';
import { formatSnapshotTable, snapshotJson } from '../../report/snapshot-status.js';
import { inspectSnapshot, readBackupFolders, SnapshotReadError, type SnapshotReport } from '../../sources/snapshot/index.js';

interface SnapshotCheck {
  reports: SnapshotReport[];
  /** Files or folders that could not be read, with why. */
  unreadable: { what: string; reason: string }[];
}

/** Inspects each file as given; a folder is searched for snapshots as --backups searches it. */
async function checkSnapshots(paths: string[]): Promise<SnapshotCheck> {
  const check: SnapshotCheck = { reports: [], unreadable: [] };
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (info?.isDirectory()) {
      const { snapshots, gaps } = await readBackupFolders([path]);
      check.reports.push(...snapshots);
      check.unreadable.push(...gaps.map((g) => ({ what: g.what, reason: g.reason })));
      if (snapshots.length === 0 && gaps.length === 0) check.unreadable.push({ what: path, reason: 'no etcd snapshot in this folder' });
      continue;
    }
    try {
      check.reports.push(await inspectSnapshot(path));
    } catch (err) {
      if (!(err instanceof SnapshotReadError)) throw err;
      check.unreadable.push({ what: err.file, reason: err.reason });
    }
  }
  return check;
}

/** 2 when something could not be read, 1 when a snapshot cannot be restored (corrupt, or not etcd), else 0. */
function snapshotExitCode(check: SnapshotCheck): 0 | 1 | 2 {
  if (check.unreadable.length > 0) return 2;
  return check.reports.some((r) => r.verdict === 'corrupt' || r.verdict === 'not-etcd') ? 1 : 0;
}

export function registerSnapshot(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command('snapshot')
    .description('verify etcd snapshot files and show what etcdctl snapshot status shows, plus the trailer verdict and the Kubernetes objects inside')
    .argument('<files...>', 'snapshot files (etcdctl snapshot save output, or a copy of member/snap/db), or folders holding them')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'));
  command.addHelpText('after', `
Examples:
  kcheck snapshot /var/backups/etcd/etcd-snapshot-2026-11-20T0300Z.db
  kcheck snapshot /var/backups/etcd --format json

Exit codes: 0 every snapshot can be restored, 1 one is corrupt or not an etcd database, 2 a file could not be read.`);
  command.action(async (files: string[], flags: { format: 'table' | 'json' }) => {
    const check = await checkSnapshots(files);
    process.stdout.write(flags.format === 'json' ? snapshotJson(check.reports) : formatSnapshotTable(check.reports));
    for (const u of check.unreadable) process.stderr.write(`kcheck: ${terminalText(u.what)}: ${terminalLines(u.reason)}\n`);
    setExit(snapshotExitCode(check));
  });
}
