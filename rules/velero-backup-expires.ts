import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { VeleroBackup } from '../src/model/types.js';
import { describeAge, showTime } from '../src/facts/wording.js';
import { backupsOf, latestCompleted, nameOf, veleroUnread } from './shared/velero.js';

export default defineRule({
  id: 'velero-backup-expires',
  description: 'The Velero Backup a restore would use expires (status.expiration) before the end of the maintenance window (--window, default 24h).',
  category: 'backups',
  judges: 'cluster',
  severity: 'warning',
  remediation:
    'Take a backup that outlives the window: velero backup create before-maintenance --ttl 720h --wait (--from-schedule keeps the schedule\'s TTL and ignores --ttl).',
  skipIf: veleroUnread,
  check(model) {
    const reports: Report[] = [];
    const now = model.capturedAt.getTime();
    const end = now + model.window.ms;
    const judged = new Set<VeleroBackup>();
    const judge = (backup: VeleroBackup | null, role: string, fix: string): void => {
      if (!backup?.expiration || judged.has(backup)) return;
      judged.add(backup);
      const at = backup.expiration.getTime();
      if (at >= end) return;
      // backup_types.go:371-374: status.expiration is when the Backup is eligible for garbage collection.
      const when = at <= now ? `expired ${describeAge(now - at)} before the capture time (${showTime(backup.expiration)})` : `expires ${describeAge(at - now)} after the capture time (${showTime(backup.expiration)})`;
      reports.push({
        subject: backup.subject,
        message: `${nameOf(backup)}, ${role}, ${when}, before the end of the ${model.window.text} maintenance window (--window): Velero's garbage collection may delete it while it is needed`,
        remediation: fix,
      });
    };
    for (const schedule of model.velero.schedules) {
      const spec = schedule.template;
      const namespaces = spec.includedNamespaces.length > 0 ? ` --include-namespaces ${spec.includedNamespaces.join(',')}` : '';
      const excluded = spec.excludedNamespaces.length > 0 ? ` --exclude-namespaces ${spec.excludedNamespaces.join(',')}` : '';
      judge(
        latestCompleted(backupsOf(model, schedule)),
        `the newest Completed backup of Schedule ${nameOf(schedule)}`,
        `velero backup create ${schedule.name}-before-maintenance -n ${schedule.namespace}${namespaces}${excluded} --ttl 720h --wait`,
      );
    }
    judge(latestCompleted(model.velero.backups), 'the newest Completed backup', 'velero backup create before-maintenance --ttl 720h --wait');
    return reports;
  },
});
