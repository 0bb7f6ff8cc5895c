import type { Finding, RuleMeta, Severity } from '../engine/types.js';
import { describeAge, showTime } from '../facts/wording.js';
import type { ClusterModel, ObjectRef } from '../model/types.js';

type BackupKind = 'etcd snapshot' | 'resource dump' | 'Velero backup';

/** The worst severity of the backup rules' findings about it; ok when they found nothing. */
type BackupVerdict = Severity | 'ok';

export interface BackupRow {
  kind: BackupKind;
  /** The file (as the model has it: reports make it repository-relative) or `namespace/name` of a Velero Backup. */
  name: string;
  /** `name` is a file path. */
  file: boolean;
  /** When it was taken and where that time comes from; null when nothing says. */
  takenAt: Date | null;
  takenAtFrom: string | null;
  /** `3 days` before the scan's capture time, `age unknown` without a time. */
  age: string;
  verdict: BackupVerdict;
  /** The backup rules' findings about it, as they gave them. */
  findings: Finding[];
}

/** A kind the input could have held but held none of: one row saying so. */
export interface NoBackupsRow {
  kind: BackupKind;
  none: string;
}

export interface BackupsView {
  rows: (BackupRow | NoBackupsRow)[];
}

/** Backup rules: the `etcd` and `backups` categories, or an `etcd-` id for rules the context does not list. */
function isBackupFinding(finding: Finding, rules: Map<string, RuleMeta<unknown>>): boolean {
  const category = rules.get(finding.ruleId)?.category;
  return category !== undefined ? category === 'etcd' || category === 'backups' : finding.ruleId.startsWith('etcd-');
}

const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info'];

function verdictOf(findings: readonly Finding[]): BackupVerdict {
  return SEVERITY_ORDER.find((s) => findings.some((f) => f.severity === s)) ?? 'ok';
}

function ageText(takenAt: Date | null, capturedAt: Date): string {
  if (!takenAt) return 'age unknown';
  const ms = capturedAt.getTime() - takenAt.getTime();
  return ms >= 0 ? describeAge(ms) : `${describeAge(-ms)} after the capture time`;
}

function row(kind: BackupKind, name: string, file: boolean, taken: { at: Date | null; from: string | null }, findings: Finding[], capturedAt: Date): BackupRow {
  return {
    kind,
    name,
    file,
    takenAt: taken.at,
    takenAtFrom: taken.at ? taken.from : null,
    age: ageText(taken.at, capturedAt),
    verdict: verdictOf(findings),
    findings,
  };
}

/** Newest first; a backup without a time last, then by name. */
function newestFirst(a: BackupRow, b: BackupRow): number {
  return (b.takenAt?.getTime() ?? -Infinity) - (a.takenAt?.getTime() ?? -Infinity) || a.name.localeCompare(b.name);
}

const sameObject = (object: ObjectRef | null, kind: string, namespace: string, name: string): boolean =>
  object?.kind === kind && (object.namespace ?? '') === namespace && object.name === name && (object.apiVersion ?? 'velero.io/').startsWith('velero.io/');

/**
 * Every backup the scan read, one row each: etcd snapshots, resource dumps
 * and Velero Backups, newest first within a kind, each with its age at the
 * capture time and the verdict of the backup rules' findings about it (a
 * snapshot or dump by its file, a Velero Backup by its object). Findings
 * about no one backup (no snapshot at a location, a paused Schedule, an
 * unavailable storage location) stay in the report's findings list.
 *
 * A kind with no backup gets a row saying so only when the input could have
 * held some: snapshots and dumps when a backup location was given (--backups
 * or the config's `backups:`), Velero Backups when Velero objects were read
 * or a live read could not list them. Without a backup location, or in a
 * cluster without Velero, there was nothing to look for, and the kind is left
 * out rather than reported missing.
 */
export function backupsView(findings: readonly Finding[], rules: readonly RuleMeta<unknown>[], model: ClusterModel): BackupsView {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const backupFindings = findings.filter((f) => !f.suppressed && isBackupFinding(f, byId));
  const aboutFile = (kind: string, file: string): Finding[] =>
    // Findings about a snapshot or dump point at its file (its subject's provenance).
    backupFindings.filter((f) => f.object?.kind === kind && f.location?.file === file);
  const capturedAt = model.capturedAt;
  const rows: (BackupRow | NoBackupsRow)[] = [];
  const add = (kind: BackupKind, found: BackupRow[], none: string | null): void => {
    if (found.length > 0) rows.push(...found.sort(newestFirst));
    else if (none !== null) rows.push({ kind, none });
  };

  const backups = model.backups;
  if (backups) {
    add(
      'etcd snapshot',
      backups.snapshots.map((s) => row('etcd snapshot', s.file, true, { at: s.takenAt, from: s.takenAtFrom }, aboutFile('EtcdSnapshot', s.file), capturedAt)),
      'no etcd snapshots under --backups',
    );
    add(
      'resource dump',
      backups.dumps.map((d) => row('resource dump', d.file, true, { at: d.takenAt, from: d.takenAtFrom }, aboutFile('ResourceDump', d.file), capturedAt)),
      'no resource dumps under --backups',
    );
  }

  const velero = model.velero;
  add(
    'Velero backup',
    velero.backups.map((b) => {
      // Its age is the time since it completed; one still running (or never finished) counts from its start.
      const taken = b.completedAt ? { at: b.completedAt, from: 'completion time' } : { at: b.startedAt, from: 'start time' };
      const about = backupFindings.filter((f) => sameObject(f.object, 'Backup', b.namespace, b.name));
      return row('Velero backup', `${b.namespace}/${b.name}`, false, taken, about, capturedAt);
    }),
    velero.inUse || velero.unread.length > 0 ? 'no Velero backups read' : null,
  );
  return { rows };
}

/** `taken 2026-11-17T03:00:00Z, by its file name`: when a backup was taken and what says so. */
export function takenText(backup: BackupRow): string {
  return backup.takenAt ? `taken ${showTime(backup.takenAt)}, by its ${backup.takenAtFrom}` : 'taken at an unknown time';
}
