import { defineRule } from '../src/engine/define-rule.js';
import type { BackupSnapshot } from '../src/model/types.js';
import { flagSubject } from '../src/model/subject.js';
import { noBackupLocation, SNAPSHOT_COMMAND } from './shared/backups.js';

function whyNotRestorable(s: BackupSnapshot): string {
  if (s.report.verdict === 'corrupt') return 'corrupt';
  if (s.report.verdict === 'not-etcd') return 'not an etcd database';
  return 'no Kubernetes objects';
}

function tally(snapshots: BackupSnapshot[]): string {
  const counts = new Map<string, number>();
  for (const s of snapshots) counts.set(whyNotRestorable(s), (counts.get(whyNotRestorable(s)) ?? 0) + 1);
  return [...counts].map(([why, n]) => `${n} ${why}`).join(', ');
}

export default defineRule({
  id: 'etcd-backup-missing',
  description: 'A backup location holds no etcd snapshot that could bring the cluster back.',
  category: 'etcd',
  judges: 'cluster',
  severity: 'error',
  needs: ['snapshots'],
  remediation:
    `Take a snapshot now and on a schedule, and copy it off the node: ${SNAPSHOT_COMMAND}; ` +
    'then check it with kcheck snapshot FILE.',
  skipIf: noBackupLocation,
  check(model) {
    const backups = model.backups;
    if (!backups) return [];
    const covered = backups.locations.filter((l) => l.snapshots.some((s) => s.restorable)).map((l) => l.path);
    return backups.locations.flatMap((location) => {
      if (covered.includes(location.path)) return [];
      const found = location.snapshots;
      const what = found.length === 0
        ? `no etcd snapshot in ${location.path}`
        : found.length === 1
          ? `the only file in ${location.path}, ${found[0]!.file}, cannot restore the cluster (${tally(found)})`
          : `none of the ${found.length} files in ${location.path} can restore the cluster (${tally(found)})`;
      // Several locations are usually copies (on the node, off the node): one missing is a warning while another still has a good snapshot.
      return [covered.length > 0
        ? { subject: flagSubject('--backups'), severity: 'warning' as const, message: `${what}: this copy of the backups is missing (${covered.join(', ')} ${covered.length === 1 ? 'has' : 'have'} one)` }
        : { subject: flagSubject('--backups'), message: `${what}: if etcd's data is lost, the cluster cannot be restored` }];
    });
  },
});
