import type { Finding, RuleMeta } from '../../src/engine/types.js';
import type { ClusterModel } from '../../src/model/types.js';
import { backupsView, type BackupsView } from '../../src/views/backups.js';
import { finding } from './fixtures.js';

export const HOSTILE_BACKUP = '<img src=x onerror=alert(1)>|x';
export const HOSTILE_DUMP = 'fixtures/demo/backups/dump|`x`` `.yaml';
export const HOSTILE_MESSAGE = 'stale </td><script>alert(1)</script> | [link](https://evil.example)';

/** The demo's backups replaced by a Velero Backup and a resource dump with hostile names, each with a finding about it. */
export function hostileBackups(model: ClusterModel, rules: readonly RuleMeta<unknown>[]): { view: BackupsView; findings: Finding[] } {
  const velero = { ...model.velero.backups[0]!, name: HOSTILE_BACKUP };
  const dump = { ...model.backups!.dumps[0]!, file: HOSTILE_DUMP };
  const findings = [
    finding({ ruleId: 'velero-backup-failed', message: HOSTILE_MESSAGE, object: { apiVersion: 'velero.io/v1', kind: 'Backup', namespace: velero.namespace, name: HOSTILE_BACKUP } }),
    finding({ ruleId: 'resource-backup-stale', message: HOSTILE_MESSAGE, object: { kind: 'ResourceDump', name: 'dump' }, location: { file: HOSTILE_DUMP, line: 1, column: 1 } }),
  ];
  const hostile: ClusterModel = {
    ...model,
    backups: { locations: [], snapshots: [], dumps: [dump] },
    velero: { ...model.velero, backups: [velero] },
  };
  return { view: backupsView(findings, rules, hostile), findings };
}
