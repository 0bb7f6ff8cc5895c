import { defineRule } from '../src/engine/define-rule.js';
import { noBackupLocation } from './shared/backups.js';

export default defineRule({
  id: 'etcd-backup-unverifiable',
  description: 'A backup is a raw copy of member/snap/db without the SHA-256 trailer of etcdctl snapshot save: nothing proves it is whole.',
  category: 'etcd',
  judges: 'cluster',
  severity: 'warning',
  needs: ['snapshots'],
  remediation:
    'Back up with etcdctl snapshot save (it adds the SHA-256 that restore checks) instead of copying member/snap/db. ' +
    'To restore from this copy anyway: etcdctl snapshot restore FILE --skip-hash-check --data-dir /var/lib/etcd-from-backup.',
  skipIf: noBackupLocation,
  check(model) {
    return (model.backups?.snapshots ?? [])
      .filter((s) => s.report.verdict === 'unverifiable')
      .map((s) => ({
        subject: s.subject,
        message:
          `${s.file} is a raw copy of etcd's database (no SHA-256 trailer): etcdctl snapshot restore refuses it without ` +
          '--skip-hash-check, and a copy taken while etcd was writing can hold a half-written transaction that nothing detects',
      }));
  },
});
