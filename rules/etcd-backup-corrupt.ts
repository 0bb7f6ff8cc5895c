import { defineRule } from '../src/engine/define-rule.js';
import { noBackupLocation } from './shared/backups.js';

/** Problems named in one finding; the rest are counted (kcheck snapshot FILE lists them all). */
const SHOWN = 3;

export default defineRule({
  id: 'etcd-backup-corrupt',
  description: 'An etcd snapshot is damaged (meta pages, truncation, SHA-256 trailer, page tree) or is not an etcd database at all.',
  category: 'etcd',
  judges: 'cluster',
  severity: 'error',
  needs: ['snapshots'],
  remediation:
    'Do not restore from this file. Take a new snapshot (etcdctl snapshot save), copy it with its checksum, and check ' +
    'every copy with kcheck snapshot FILE; keep several generations so one bad file is not the only one.',
  skipIf: noBackupLocation,
  check(model) {
    return (model.backups?.snapshots ?? []).flatMap((s) => {
      const r = s.report;
      if (r.verdict !== 'corrupt' && r.verdict !== 'not-etcd') return [];
      const problems = r.problems.map((p) => p.message);
      const shown = problems.slice(0, SHOWN).join('; ');
      const more = problems.length > SHOWN ? ` (and ${problems.length - SHOWN} more: kcheck snapshot ${s.file})` : '';
      const what = r.verdict === 'not-etcd' ? 'is not an etcd database' : 'is corrupt';
      const restore = r.verdict === 'not-etcd' || r.trailer.matches === false
        ? 'etcdctl snapshot restore refuses it'
        : 'a restore from it fails or brings back damaged data';
      return [{ subject: s.subject, message: `${s.file} ${what}: ${shown}${more}; ${restore}` }];
    });
  },
});
