import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import { newestRestorable } from './shared/backups.js';
import type { BackupSnapshot } from '../src/model/types.js';
import type { ClusterModel } from '../src/model/types.js';
import { noBackupLocation, SNAPSHOT_COMMAND } from './shared/backups.js';
import { DURATION_PATTERN, parseDuration } from '../src/model/duration.js';
import { describeAge, showTime } from '../src/facts/wording.js';

interface Options {
  maxAge: string;
  maxRevisionsBehind: number;
}

/** Past a week a snapshot misses more than most teams can rebuild by hand. */
const ERROR_AGE_MS = 7 * 86_400_000;

/** The revision of the data etcd uses, from `--root` (its member/snap/db read as a snapshot). */
function liveRevision(model: ClusterModel): { revision: number; dir: string } | null {
  for (const pod of model.etcd) {
    const inUse = pod.hostData?.inUse;
    const revision = inUse?.inspected?.etcd?.latestRevision;
    if (inUse && revision !== undefined) return { revision, dir: inUse.path };
  }
  return null;
}

function when(s: BackupSnapshot): string {
  return `${showTime(s.takenAt)}, by its ${s.takenAtFrom}`;
}

export default defineRule<Options>({
  id: 'etcd-backup-stale',
  description: 'The newest etcd snapshot is older than maxAge (default 24h), or far behind the data etcd holds now.',
  category: 'etcd',
  judges: 'cluster',
  severity: 'warning',
  needs: ['snapshots'],
  defaultOptions: { maxAge: '24h', maxRevisionsBehind: 100_000 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxAge: { type: 'string', pattern: DURATION_PATTERN, description: 'Oldest acceptable snapshot: 12h, 24h, 2d, 1w.' },
      maxRevisionsBehind: {
        type: 'integer',
        minimum: 1,
        description: 'With --root: how many etcd revisions the newest snapshot may be behind the data dir etcd uses.',
      },
    },
  },
  remediation: `Take a snapshot now and check the job that should take them: ${SNAPSHOT_COMMAND}`,
  skipIf: noBackupLocation,
  check(model, options) {
    const backups = model.backups;
    const newest = backups ? newestRestorable(backups) : null;
    if (!newest) return [];
    const maxAge = parseDuration(options.maxAge) ?? 86_400_000;
    const age = model.capturedAt.getTime() - newest.takenAt.getTime();
    const live = liveRevision(model);
    const revision = newest.report.etcd?.latestRevision;
    const behind = live && revision !== undefined ? live.revision - revision : null;
    const behindText = behind !== null && behind > 0 ? `; it is at revision ${revision}, ${behind} revisions behind etcd's data in ${live!.dir}` : '';
    const reports: Report[] = [];
    if (age > maxAge) {
      reports.push({
        subject: newest.subject,
        ...(age > ERROR_AGE_MS && age > maxAge ? { severity: 'error' as const } : {}),
        message:
          `the newest snapshot that can restore the cluster, ${newest.file}, was taken ${describeAge(age)} before the capture time ` +
          `(${when(newest)}); maxAge is ${options.maxAge}${behindText}`,
      });
    } else if (behind !== null && behind > options.maxRevisionsBehind) {
      reports.push({
        subject: newest.subject,
        message:
          `the newest snapshot that can restore the cluster, ${newest.file}, looks ${describeAge(Math.max(age, 0))} old (${when(newest)}) ` +
          `but is at revision ${revision}, ${behind} revisions behind etcd's data in ${live!.dir} (maxRevisionsBehind ${options.maxRevisionsBehind}): ` +
          'a restore would lose every write since; an old snapshot copied recently looks new by its file time',
      });
    }
    return reports;
  },
});
