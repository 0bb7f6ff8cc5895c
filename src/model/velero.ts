import type { RawObject, ScanGap } from '../sources/types.js';
import { eachObject, type Rejections } from './admit.js';
import { cronInterval } from './cron.js';
import { field, recordField } from './fields.js';
import { project, type Shape } from './shapes.js';
import { subjectOf } from './subject.js';
import type {
  LabelSelector,
  Velero,
  VeleroBackup,
  VeleroBackupSpec,
  VeleroRestore,
  VeleroSchedule,
  VeleroSnapshotLocation,
  VeleroStorageLocation,
} from './types.js';
import { readLabelSelector } from './workloads.js';

/**
 * Velero's objects, read as velero.io/v1 defines them
 * (github.com/vmware-tanzu/velero v1.18.1, pkg/apis/velero/v1): Backup
 * (backup_types.go), Schedule (schedule_types.go), BackupStorageLocation
 * (backupstoragelocation_types.go), VolumeSnapshotLocation
 * (volume_snapshot_location_type.go) and Restore (restore_types.go).
 */
const VELERO_GROUP = 'velero.io';

/** Labels Velero puts on the Backups a Schedule makes (labels_annotations.go:30). */
const SCHEDULE_NAME_LABEL = 'velero.io/schedule-name';

const str = 'string' as const;
const strings: Shape = { list: str };
const SELECTOR: Shape = {
  fields: { matchLabels: { map: 'string' }, matchExpressions: { list: { fields: { key: str, operator: str, values: strings } } } },
};
const METADATA: Shape = {
  fields: { name: str, namespace: str, labels: { map: 'string' }, annotations: { map: 'string' }, creationTimestamp: str },
};

/** backup_types.go:29-176 BackupSpec, the fields coverage depends on. */
const BACKUP_SPEC: Shape = {
  fields: {
    includedNamespaces: strings,
    excludedNamespaces: strings,
    labelSelector: SELECTOR,
    orLabelSelectors: { list: SELECTOR },
    snapshotVolumes: 'boolean',
    defaultVolumesToFsBackup: 'boolean',
    snapshotMoveData: 'boolean',
    storageLocation: str,
    volumeSnapshotLocations: strings,
    ttl: str,
  },
};

const BACKUP: Shape = {
  fields: {
    metadata: METADATA,
    spec: BACKUP_SPEC,
    // backup_types.go:362-431 BackupStatus.
    status: { fields: { phase: str, startTimestamp: str, completionTimestamp: str, expiration: str, errors: 'integer', warnings: 'integer' } },
  },
};

const SCHEDULE: Shape = {
  fields: {
    metadata: METADATA,
    // schedule_types.go:26-51 ScheduleSpec, 73-90 ScheduleStatus.
    spec: { fields: { template: BACKUP_SPEC, schedule: str, paused: 'boolean' } },
    status: { fields: { phase: str, lastBackup: str } },
  },
};

const STORAGE_LOCATION: Shape = {
  fields: {
    metadata: METADATA,
    // backupstoragelocation_types.go:30-96: spec.default, status.phase/message/lastValidationTime.
    spec: { fields: { default: 'boolean', provider: str } },
    status: { fields: { phase: str, message: str, lastValidationTime: str } },
  },
};

const SNAPSHOT_LOCATION: Shape = { fields: { metadata: METADATA, spec: { fields: { provider: str } } } };

const RESTORE: Shape = { fields: { metadata: METADATA, spec: { fields: { backupName: str } }, status: { fields: { phase: str } } } };

function isVelero(raw: RawObject, kind: string): boolean {
  return raw.object.kind === kind && typeof raw.object.apiVersion === 'string' && raw.object.apiVersion.startsWith(`${VELERO_GROUP}/`);
}

function time(value: unknown, path: string): Date | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${path} is the string ${JSON.stringify(value.slice(0, 40))}, not an RFC 3339 time`);
  return new Date(ms);
}

function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function names(object: unknown): { namespace: string; name: string } {
  return { namespace: String(field(object, 'metadata', 'namespace') ?? ''), name: String(field(object, 'metadata', 'name') ?? '') };
}

function readSpec(spec: unknown): VeleroBackupSpec {
  const labelSelector = readLabelSelector(field(spec, 'labelSelector'));
  const or = field(spec, 'orLabelSelectors');
  const storageLocation = field(spec, 'storageLocation');
  const ttl = field(spec, 'ttl');
  return {
    includedNamespaces: stringList(field(spec, 'includedNamespaces')),
    excludedNamespaces: stringList(field(spec, 'excludedNamespaces')),
    ...(labelSelector ? { labelSelector } : {}),
    orLabelSelectors: Array.isArray(or) ? or.map((s) => readLabelSelector(s)).filter((s): s is LabelSelector => s !== undefined) : [],
    snapshotVolumes: bool(field(spec, 'snapshotVolumes')),
    defaultVolumesToFsBackup: bool(field(spec, 'defaultVolumesToFsBackup')),
    snapshotMoveData: bool(field(spec, 'snapshotMoveData')),
    ...(typeof storageLocation === 'string' && storageLocation !== '' ? { storageLocation } : {}),
    volumeSnapshotLocations: stringList(field(spec, 'volumeSnapshotLocations')),
    ...(typeof ttl === 'string' && ttl !== '' ? { ttl } : {}),
  };
}

function readBackup(raw: RawObject): VeleroBackup[] {
  if (!isVelero(raw, 'Backup')) return [];
  const o = project(raw.object, BACKUP);
  const schedule = recordField(o, 'metadata', 'labels')[SCHEDULE_NAME_LABEL];
  return [
    {
      ...names(o),
      spec: readSpec(field(o, 'spec')),
      phase: String(field(o, 'status', 'phase') ?? ''),
      ...(schedule ? { schedule } : {}),
      startedAt: time(field(o, 'status', 'startTimestamp'), 'status.startTimestamp') ?? time(field(o, 'metadata', 'creationTimestamp'), 'metadata.creationTimestamp'),
      completedAt: time(field(o, 'status', 'completionTimestamp'), 'status.completionTimestamp'),
      expiration: time(field(o, 'status', 'expiration'), 'status.expiration'),
      errors: Number(field(o, 'status', 'errors') ?? 0),
      warnings: Number(field(o, 'status', 'warnings') ?? 0),
      subject: subjectOf(raw),
    },
  ];
}

function readSchedule(raw: RawObject): VeleroSchedule[] {
  if (!isVelero(raw, 'Schedule')) return [];
  const o = project(raw.object, SCHEDULE);
  const cron = String(field(o, 'spec', 'schedule') ?? '');
  const interval = cronInterval(cron);
  return [
    {
      ...names(o),
      cron,
      intervalMs: interval.ok ? interval.intervalMs : null,
      cronError: interval.ok ? null : interval.error,
      paused: field(o, 'spec', 'paused') === true,
      phase: String(field(o, 'status', 'phase') ?? ''),
      lastBackup: time(field(o, 'status', 'lastBackup'), 'status.lastBackup'),
      template: readSpec(field(o, 'spec', 'template')),
      subject: subjectOf(raw),
    },
  ];
}

function readStorageLocation(raw: RawObject): VeleroStorageLocation[] {
  if (!isVelero(raw, 'BackupStorageLocation')) return [];
  const o = project(raw.object, STORAGE_LOCATION);
  const message = field(o, 'status', 'message');
  return [
    {
      ...names(o),
      default: field(o, 'spec', 'default') === true,
      phase: String(field(o, 'status', 'phase') ?? ''),
      ...(typeof message === 'string' && message !== '' ? { message } : {}),
      lastValidated: time(field(o, 'status', 'lastValidationTime'), 'status.lastValidationTime'),
      subject: subjectOf(raw),
    },
  ];
}

function readSnapshotLocation(raw: RawObject): VeleroSnapshotLocation[] {
  if (!isVelero(raw, 'VolumeSnapshotLocation')) return [];
  const o = project(raw.object, SNAPSHOT_LOCATION);
  return [{ ...names(o), provider: String(field(o, 'spec', 'provider') ?? ''), subject: subjectOf(raw) }];
}

function readRestore(raw: RawObject): VeleroRestore[] {
  if (!isVelero(raw, 'Restore')) return [];
  const o = project(raw.object, RESTORE);
  const backupName = field(o, 'spec', 'backupName');
  return [{ ...names(o), ...(typeof backupName === 'string' ? { backupName } : {}), phase: String(field(o, 'status', 'phase') ?? ''), subject: subjectOf(raw) }];
}

/** The Velero resources a live read names in its gaps (`context/backups.velero.io`): those it could not list. */
function unreadResources(gaps: ScanGap[]): string[] {
  return gaps.filter((g) => g.what.endsWith(`.${VELERO_GROUP}`)).map((g) => g.what);
}

/**
 * Velero's objects. Reads what the sources gave as they gave it (the model's
 * own admission keeps only metadata for kinds it does not know): a field of
 * the wrong type leaves the object out, named with its path.
 */
export function readVelero(raws: RawObject[], gaps: ScanGap[], rejections: Rejections): Velero {
  const velero = raws.filter((raw) => typeof raw.object?.apiVersion === 'string' && raw.object.apiVersion.startsWith(`${VELERO_GROUP}/`));
  const out: Velero = {
    inUse: velero.length > 0,
    unread: unreadResources(gaps),
    backups: eachObject(velero, readBackup, rejections),
    schedules: eachObject(velero, readSchedule, rejections),
    storageLocations: eachObject(velero, readStorageLocation, rejections),
    snapshotLocations: eachObject(velero, readSnapshotLocation, rejections),
    restores: eachObject(velero, readRestore, rejections),
  };
  return out;
}
