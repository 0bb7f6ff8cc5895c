import { defineRule } from '../src/engine/define-rule.js';
import { flagSubject } from '../src/model/subject.js';
import type { BackupSnapshot } from '../src/model/snapshots.js';
import { locations, noBackupLocation, SNAPSHOT_COMMAND } from './policy/backups.js';

function whyNotRestorable(s: BackupSnapshot): string {
  const r = s.report;
  if (r.verdict === 'corrupt') return 'corrupt';
  if (r.verdict === 'not-etcd') return 'not an etcd database';
  return 'no Kubernetes objects';
}

function tally(snapshots: BackupSnapshot[]): string {
  const counts = new Map<string, number>();
  for (const s of snapshots) counts.set(whyNotRestorable(s), (counts.get(whyNotRestorable(s)) ?? 0) + 1);
  return [...counts].map(([why, n]) => `${n} ${why}`).join(', ');
}

export default defineRule({
  id: 'etcd-backup-missing',
  description: 'The backup locations hold no etcd snapshot that could bring the cluster back.',
  category: 'etcd',
  severity: 'error',
  needs: ['snapshots'],
  remediation:
    `Take a snapshot now and on a schedule, off the node: ${SNAPSHOT_COMMAND}; ` +
    'then check it with kcheck snapshot FILE.',
  skipIf: noBackupLocation,
  check(model) {
    const backups = model.backups;
    if (!backups || backups.snapshots.some((s) => s.restorable)) return [];
    const found = backups.snapshots;
    return [{
      subject: flagSubject('--backups'),
      message: found.length === 0
        ? `no etcd snapshot in ${locations(model)}: if etcd's data is lost, the cluster cannot be restored`
        : `none of the ${found.length} file${found.length === 1 ? '' : 's'} in ${locations(model)} can restore the cluster ` +
          `(${tally(found)}): if etcd's data is lost, the cluster cannot be restored`,
    }];
  },
});
