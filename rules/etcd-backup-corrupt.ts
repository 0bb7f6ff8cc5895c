import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { BackupSnapshot } from '../src/model/types.js';
import { noBackupLocation } from './shared/backups.js';

/** Problems named in one finding; the rest are counted (kcheck snapshot FILE lists them all). */
const SHOWN = 3;

/**
 * A file etcd restores and serves, with damage it reads around (one meta page,
 * bytes it never reads): a warning, because kcheck is stricter than etcd here.
 */
function tolerated(s: BackupSnapshot): Report[] {
  const warnings = s.report.warnings.map((w) => w.message);
  if (warnings.length === 0) return [];
  const more = warnings.length > SHOWN ? ` (and ${warnings.length - SHOWN} more: kcheck snapshot ${s.file})` : '';
  return [{
    subject: s.subject,
    severity: 'warning',
    message:
      `${s.file} is damaged where etcd reads around it: ${warnings.slice(0, SHOWN).join('; ')}${more}; ` +
      'etcdutl snapshot restore and the restored etcd still serve all of its data, but the file is not as etcd wrote it',
    remediation:
      'The file still restores. Take a new snapshot (etcdctl snapshot save) to replace it, and compare copies with sha256sum after each transfer.',
  }];
}

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
      if (r.verdict !== 'corrupt' && r.verdict !== 'not-etcd') return tolerated(s);
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
