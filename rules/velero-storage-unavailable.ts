import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import { showTime } from '../src/facts/wording.js';
import { nameOf, veleroUnread } from './shared/velero.js';

/** Velero's server flag --default-backup-storage-location, used when no location is marked default (pkg/controller/backup_controller.go:430-444, v1.18.1). */
const SERVER_DEFAULT = 'default';

export default defineRule({
  id: 'velero-storage-unavailable',
  description: 'A Velero BackupStorageLocation is Unavailable, a Schedule names one that does not exist, or there is no default location.',
  category: 'backups',
  judges: 'cluster',
  severity: 'error',
  remediation: 'velero backup-location get; fix the bucket, credentials or network the message names (kubectl -n velero logs deploy/velero | grep backup-storage), or mark a working location default: velero backup-location set NAME --default.',
  skipIf: veleroUnread,
  check(model) {
    const reports: Report[] = [];
    const locations = model.velero.storageLocations;
    for (const location of locations) {
      // backupstoragelocation_types.go:168-172: Available or Unavailable.
      if (location.phase !== 'Unavailable') continue;
      const since = location.lastValidated ? ` (last validated ${showTime(location.lastValidated)})` : '';
      reports.push({
        subject: location.subject,
        message: `BackupStorageLocation ${nameOf(location)}${location.default ? ', the default,' : ''} is Unavailable${since}${location.message ? `: ${location.message}` : ''}; Velero can neither write backups to it nor read the ones it holds`,
      });
    }
    if (!model.velero.inUse) return reports;
    const namespaces = [...new Set([...model.velero.schedules, ...model.velero.backups, ...locations].map((o) => o.namespace))].sort();
    for (const namespace of namespaces) {
      const here = locations.filter((l) => l.namespace === namespace);
      if (!here.some((l) => l.default) && !here.some((l) => l.name === SERVER_DEFAULT)) {
        const subject = here[0]?.subject ?? model.velero.schedules.find((s) => s.namespace === namespace)?.subject ?? model.velero.backups.find((b) => b.namespace === namespace)!.subject;
        reports.push({
          subject,
          message: `no BackupStorageLocation in namespace ${namespace} is the default (spec.default: true) or named "${SERVER_DEFAULT}"${here.length > 0 ? ` (it has ${here.map((l) => l.name).join(', ')})` : ''}: a backup that names no location fails validation`,
          remediation: here.length > 0 ? `velero backup-location set ${here[0]!.name} -n ${namespace} --default` : `velero backup-location create default -n ${namespace} --provider PROVIDER --bucket BUCKET --default`,
        });
      }
    }
    for (const schedule of model.velero.schedules) {
      const wanted = schedule.template.storageLocation;
      if (wanted && !locations.some((l) => l.namespace === schedule.namespace && l.name === wanted)) {
        reports.push({
          subject: schedule.subject,
          message: `Schedule ${nameOf(schedule)} writes to BackupStorageLocation "${wanted}", which does not exist in namespace ${schedule.namespace}: each of its backups fails validation`,
        });
      }
    }
    return reports;
  },
});
