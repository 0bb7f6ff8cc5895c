import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { ClusterModel, Pod, PodVolume, VeleroSchedule } from '../src/model/types.js';
import { nameOf, takesPod, veleroUnread } from './shared/velero.js';

/** Pod annotations that opt volumes in or out of file-system backup (velero pkg/apis/velero/v1/labels_annotations.go:95, :99, v1.18.1). */
const BACKUP_VOLUMES = 'backup.velero.io/backup-volumes';
const BACKUP_VOLUMES_EXCLUDES = 'backup.velero.io/backup-volumes-excludes';

function listed(pod: Pod, annotation: string): string[] {
  return (pod.subject.annotations?.[annotation] ?? '').split(',').map((v) => v.trim()).filter(Boolean);
}

/**
 * How a Schedule's backups hold the data of a pod's volume, or null when
 * they hold only the claim object. File-system backup follows
 * pkg/util/podvolume/pod_volume.go:177-230 GetVolumesByPod: with
 * defaultVolumesToFsBackup every volume but the excluded ones, else only
 * those the backup-volumes annotation names. A snapshot needs
 * snapshotVolumes not false and somewhere to put it: a
 * VolumeSnapshotLocation, or the CSI data mover (snapshotMoveData).
 */
function capturedBy(model: ClusterModel, schedule: VeleroSchedule, pod: Pod, volume: PodVolume): string | null {
  const spec = schedule.template;
  if (spec.defaultVolumesToFsBackup === true ? !listed(pod, BACKUP_VOLUMES_EXCLUDES).includes(volume.name) : listed(pod, BACKUP_VOLUMES).includes(volume.name)) {
    return 'file-system backup';
  }
  const snapshotLocations = model.velero.snapshotLocations.filter((l) => l.namespace === schedule.namespace);
  if (spec.snapshotVolumes !== false && (snapshotLocations.length > 0 || spec.snapshotMoveData === true)) return 'snapshot';
  return null;
}

function why(schedule: VeleroSchedule): string {
  const spec = schedule.template;
  const snapshot = spec.snapshotVolumes === false ? 'snapshotVolumes is false' : 'there is no VolumeSnapshotLocation';
  const fs = spec.defaultVolumesToFsBackup === true ? 'the pod excludes the volume from file-system backup' : `the pod's ${BACKUP_VOLUMES} annotation does not name it`;
  return `${nameOf(schedule)}: ${snapshot} and ${fs}`;
}

export default defineRule({
  id: 'velero-volumes-not-covered',
  description: 'A PersistentVolumeClaim in a namespace a Velero Schedule backs up has its data in no backup: no snapshot location and no file-system backup opt-in for the pod volume.',
  category: 'backups',
  judges: 'cluster',
  severity: 'warning',
  remediation:
    'Opt the volume into file-system backup (kubectl annotate pod POD backup.velero.io/backup-volumes=VOLUME, or defaultVolumesToFsBackup: true in the Schedule\'s template, with the node agent installed), or configure a VolumeSnapshotLocation for the volume\'s provider.',
  skipIf: veleroUnread,
  check(model) {
    if (!model.velero.inUse) return [];
    const reports: Report[] = [];
    const seen = new Set<string>();
    for (const pod of model.pods) {
      const schedules = model.velero.schedules.filter((s) => !s.paused && takesPod(s.template, pod));
      if (schedules.length === 0) continue;
      for (const volume of pod.volumes) {
        if (!volume.claimName) continue;
        const key = `${pod.namespace}/${volume.claimName}`;
        if (seen.has(key)) continue;
        if (schedules.some((s) => capturedBy(model, s, pod, volume) !== null)) {
          seen.add(key);
          continue;
        }
        seen.add(key);
        const claim = model.volumeClaims?.find((c) => c.namespace === pod.namespace && c.name === volume.claimName);
        reports.push({
          subject: claim?.subject ?? pod.subject,
          message:
            `PersistentVolumeClaim ${key} (volume ${volume.name} of Pod ${pod.name}) is backed up as an object only, its data by no backup ` +
            `(${schedules.map(why).join('; ')}): a restore brings back an empty volume`,
          remediation: `kubectl -n ${pod.namespace} annotate pod ${pod.name} ${BACKUP_VOLUMES}=${volume.name} (and the same in its workload's pod template), or set defaultVolumesToFsBackup: true in Schedule ${nameOf(schedules[0]!)}'s template`,
        });
      }
    }
    return reports;
  },
});
