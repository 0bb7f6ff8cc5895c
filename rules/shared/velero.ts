import type { ClusterModel, LabelSelector, Pod, VeleroBackup, VeleroBackupSpec, VeleroSchedule } from '../../src/model/types.js';
import { labelSelectorMatches } from '../../src/model/walks.js';

/** Phases a Backup ends in (velero pkg/apis/velero/v1/backup_types.go:307-354, v1.18.1); the others are on the way there. */
const FINAL_PHASES = new Set(['Completed', 'PartiallyFailed', 'Failed', 'FailedValidation']);

/** Phases that leave no whole backup: PartiallyFailed (backup_types.go:350) misses items, Failed (:354) and FailedValidation (:307) hold nothing usable. */
export const FAILED_PHASES = new Set(['PartiallyFailed', 'Failed', 'FailedValidation']);

/** Why the Velero rules cannot judge: some of Velero's resources could not be listed. */
export function veleroUnread(model: ClusterModel): string | null {
  return model.velero.unread.length > 0 ? `Velero's resources could not all be read (${model.velero.unread.join(', ')})` : null;
}

/** When a Backup happened: its completion, else its start (or creation). */
export function backupTime(backup: VeleroBackup): Date | null {
  return backup.completedAt ?? backup.startedAt;
}

function newest(backups: VeleroBackup[]): VeleroBackup | null {
  return backups.reduce<VeleroBackup | null>((best, b) => {
    const t = backupTime(b)?.getTime() ?? -Infinity;
    const bt = best ? backupTime(best)?.getTime() ?? -Infinity : -Infinity;
    return !best || t > bt || (t === bt && b.name > best.name) ? b : best;
  }, null);
}

/** The newest Backup that has finished (whatever its verdict): what the last run of a Schedule, or of Velero, came to. */
export function latestFinished(backups: VeleroBackup[]): VeleroBackup | null {
  return newest(backups.filter((b) => FINAL_PHASES.has(b.phase)));
}

/** The newest Completed Backup: the one a restore would use. */
export function latestCompleted(backups: VeleroBackup[]): VeleroBackup | null {
  return newest(backups.filter((b) => b.phase === 'Completed'));
}

/** The Backups a Schedule made (label velero.io/schedule-name), in its namespace. */
export function backupsOf(model: ClusterModel, schedule: VeleroSchedule): VeleroBackup[] {
  return model.velero.backups.filter((b) => b.schedule === schedule.name && b.namespace === schedule.namespace);
}

/**
 * Velero's namespace globs (pkg/util/collections/includes_excludes.go:18-30,
 * gobwas/glob): `*` any run of characters, `?` one character.
 */
function globMatches(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}

/**
 * IncludesExcludes.ShouldInclude (includes_excludes.go:241-250): an exclude
 * wins; an empty include list, or one holding `*`, includes everything.
 */
export function includesNamespace(spec: VeleroBackupSpec, namespace: string): boolean {
  if (spec.excludedNamespaces.some((p) => globMatches(p, namespace))) return false;
  return spec.includedNamespaces.length === 0 || spec.includedNamespaces.includes('*') || spec.includedNamespaces.some((p) => globMatches(p, namespace));
}

/** The selectors a backup filters objects with: labelSelector, or orLabelSelectors joined by OR (backup_types.go:88-102); none selects everything. */
export function selectors(spec: VeleroBackupSpec): LabelSelector[] {
  if (spec.labelSelector) return [spec.labelSelector];
  return spec.orLabelSelectors;
}

export function selectsLabels(spec: VeleroBackupSpec, labels: Record<string, string>): boolean {
  const any = selectors(spec);
  return any.length === 0 || any.some((s) => labelSelectorMatches(s, labels));
}

/** A pod a backup takes: its namespace included and its labels selected. */
export function takesPod(spec: VeleroBackupSpec, pod: Pod): boolean {
  return includesNamespace(spec, pod.namespace) && selectsLabels(spec, pod.labels);
}

/** `velero/daily`, as `velero schedule get` lists it. */
export function nameOf(o: { namespace: string; name: string }): string {
  return o.namespace ? `${o.namespace}/${o.name}` : o.name;
}

/** Run on demand, with the schedule's own settings. */
export function backupCommand(schedule: VeleroSchedule | null): string {
  return schedule ? `velero backup create --from-schedule ${schedule.name} -n ${schedule.namespace} --wait` : 'velero backup create before-maintenance-$(date -u +%Y%m%dT%H%MZ) --wait';
}
