import { describe, expect, it } from 'vitest';
import { backupsView, type BackupRow, type NoBackupsRow } from '../../src/views/backups.js';
import { demoScan } from '../report/demo-scan.js';

const summary = (row: BackupRow | NoBackupsRow): string =>
  'none' in row ? `${row.kind}: ${row.none}` : `${row.kind} ${row.name} ${row.age} ${row.verdict} ${row.findings.map((f) => f.ruleId).join(',')}`;

describe('backups view', () => {
  it('lists every backup of the demo, newest first within a kind, with the rules\' verdict', async () => {
    const { result, rules, model } = await demoScan();
    expect(backupsView(result.findings, rules, model).rows.map(summary)).toEqual([
      'etcd snapshot fixtures/demo/backups/etcd-snapshot-2026-11-19T0300Z.db 1 day error etcd-backup-corrupt',
      'etcd snapshot fixtures/demo/backups/feature-flags-etcd-2026-11-18T0300Z.db 2 days warning etcd-backup-not-kubernetes',
      'etcd snapshot fixtures/demo/backups/etcd-snapshot-2026-11-17T0300Z.db 3 days warning etcd-backup-stale',
      'etcd snapshot fixtures/demo/backups/controlplane-member-db-2026-11-16T0300Z.db 4 days warning etcd-backup-unverifiable',
      'resource dump fixtures/demo/backups/everything-2026-11-18T0300Z.yaml 2 days warning resource-backup-incomplete,resource-backup-stale',
      'resource dump fixtures/demo/offsite-backups/cluster-2026-11-12T0300Z.yaml 8 days warning resource-backup-incomplete,resource-backup-holds-secrets',
      'Velero backup velero/daily-20261120030000 5 hours error velero-backup-failed',
      'Velero backup velero/daily-20261117030000 3 days warning velero-backup-expires,velero-backup-stale',
    ]);
  });

  it('leaves findings about no one backup, and suppressed ones, out of the verdicts', async () => {
    const { result, rules, model } = await demoScan();
    const rows = backupsView(result.findings, rules, model).rows.filter((r): r is BackupRow => !('none' in r));
    const listed = rows.flatMap((r) => r.findings.map((f) => f.ruleId));
    expect(listed).not.toContain('etcd-backup-missing');
    expect(listed).not.toContain('velero-storage-unavailable');
    const corrupt = result.findings.filter((f) => f.ruleId === 'etcd-backup-corrupt').map((f) => ({ ...f, suppressed: { kind: 'config' as const, reason: 'known' } }));
    const withSuppressed = result.findings.filter((f) => f.ruleId !== 'etcd-backup-corrupt').concat(corrupt);
    const first = backupsView(withSuppressed, rules, model).rows[0] as BackupRow;
    expect(first.name).toBe('fixtures/demo/backups/etcd-snapshot-2026-11-19T0300Z.db');
    expect(first.verdict).toBe('ok');
  });

  it('says a kind has nothing only where the input could have held it', async () => {
    const { rules, model } = await demoScan();
    const empty = { ...model, backups: { locations: [], snapshots: [], dumps: [] }, velero: { ...model.velero, backups: [] } };
    expect(backupsView([], rules, empty).rows.map(summary)).toEqual([
      'etcd snapshot: no etcd snapshots under --backups',
      'resource dump: no resource dumps under --backups',
      'Velero backup: no Velero backups read',
    ]);
    const nothingAsked = { ...model, backups: null, velero: { ...model.velero, inUse: false, unread: [], backups: [] } };
    expect(backupsView([], rules, nothingAsked).rows).toEqual([]);
  });

  it('puts a backup without a time last and says its age is unknown', async () => {
    const { rules, model } = await demoScan();
    const [first] = model.velero.backups;
    const unknown = { ...first!, name: 'never-started', startedAt: null, completedAt: null };
    const view = backupsView([], rules, { ...model, backups: null, velero: { ...model.velero, backups: [unknown, ...model.velero.backups] } });
    const last = view.rows.at(-1) as BackupRow;
    expect([last.name, last.age, last.takenAt, last.verdict]).toEqual(['velero/never-started', 'age unknown', null, 'ok']);
  });
});
