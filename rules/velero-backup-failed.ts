import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { VeleroBackup } from '../src/model/types.js';
import { showTime } from '../src/facts/wording.js';
import { FAILED_PHASES, backupCommand, backupsOf, latestFinished, nameOf, veleroUnread } from './shared/velero.js';

function counts(b: VeleroBackup): string {
  return `${b.errors} error${b.errors === 1 ? '' : 's'}, ${b.warnings} warning${b.warnings === 1 ? '' : 's'}`;
}

function when(b: VeleroBackup): string {
  const at = b.completedAt ?? b.startedAt;
  return at ? ` (${b.completedAt ? 'completed' : 'started'} ${showTime(at)})` : '';
}

/** What each failed phase leaves (velero pkg/apis/velero/v1/backup_types.go:307, :350, :354, v1.18.1). */
function consequence(phase: string): string {
  if (phase === 'PartiallyFailed') return 'it ran to the end but could not back up some items, so a restore from it misses them';
  if (phase === 'FailedValidation') return 'Velero refused it before it ran (its spec or storage location is invalid), so it holds nothing';
  return 'an error stopped it, so it holds no usable backup';
}

export default defineRule({
  id: 'velero-backup-failed',
  description: 'The latest finished Velero Backup of a Schedule, or of the cluster, is Failed, PartiallyFailed or FailedValidation.',
  category: 'backups',
  judges: 'cluster',
  severity: 'error',
  remediation: 'Read why it failed (velero backup describe NAME --details; velero backup logs NAME), fix the cause, and take a backup that completes before the maintenance.',
  skipIf: veleroUnread,
  check(model) {
    const reports: Report[] = [];
    const reported = new Set<VeleroBackup>();
    const report = (backup: VeleroBackup, of: string, fix: string): void => {
      if (reported.has(backup) || !FAILED_PHASES.has(backup.phase)) return;
      reported.add(backup);
      reports.push({
        subject: backup.subject,
        message: `the latest finished backup ${of}, ${nameOf(backup)}${when(backup)}, is ${backup.phase} with ${counts(backup)}: ${consequence(backup.phase)}`,
        remediation: `velero backup describe ${backup.name} -n ${backup.namespace} --details; velero backup logs ${backup.name} -n ${backup.namespace}; then, with the cause fixed: ${fix}`,
      });
    };
    for (const schedule of model.velero.schedules) {
      const latest = latestFinished(backupsOf(model, schedule));
      if (latest) report(latest, `of Schedule ${nameOf(schedule)}`, backupCommand(schedule));
    }
    const overall = latestFinished(model.velero.backups);
    if (overall) report(overall, 'in the cluster', backupCommand(model.velero.schedules.find((s) => s.name === overall.schedule) ?? null));
    return reports;
  },
});
