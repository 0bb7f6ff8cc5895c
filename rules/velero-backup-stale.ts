import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { VeleroSchedule } from '../src/model/types.js';
import { clusterSubject } from '../src/model/subject.js';
import { DURATION_PATTERN, parseDuration } from '../src/model/duration.js';
import { describeAge, showTime } from '../src/facts/wording.js';
import { backupCommand, backupTime, backupsOf, latestCompleted, nameOf, veleroUnread } from './shared/velero.js';

interface Options {
  /** Overrides the limit derived from each Schedule's cron expression. */
  maxAge?: string;
}

const DAY_MS = 86_400_000;

export default defineRule<Options>({
  id: 'velero-backup-stale',
  description:
    'No Completed Velero Backup newer than maxAge (default: twice the Schedule\'s interval, or 24h without a Schedule); a paused Schedule; a Schedule whose cron expression Velero cannot parse.',
  category: 'backups',
  judges: 'cluster',
  severity: 'warning',
  defaultOptions: {},
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxAge: { type: 'string', pattern: DURATION_PATTERN, description: 'Oldest acceptable Completed backup, for every Schedule: 12h, 24h, 2d, 1w. Default: twice the Schedule\'s interval.' },
    },
  },
  remediation: 'Take a backup now (velero backup create --from-schedule NAME --wait), then find out why the Schedule stopped making Completed ones (velero schedule describe NAME; kubectl -n velero logs deploy/velero).',
  skipIf: veleroUnread,
  check(model, options) {
    const reports: Report[] = [];
    const now = model.capturedAt.getTime();
    const fixed = options.maxAge !== undefined ? parseDuration(options.maxAge) : null;
    const limitOf = (schedule: VeleroSchedule | null): { ms: number; why: string } => {
      if (fixed !== null) return { ms: fixed, why: `maxAge is ${options.maxAge}` };
      if (schedule?.intervalMs) return { ms: 2 * schedule.intervalMs, why: `its cron expression "${schedule.cron}" runs at least every ${describeAge(schedule.intervalMs)}, so ${describeAge(2 * schedule.intervalMs)} is the limit` };
      return { ms: DAY_MS, why: 'the limit without a Schedule is 24h' };
    };
    for (const schedule of model.velero.schedules) {
      if (schedule.paused) {
        reports.push({
          subject: schedule.subject,
          message: `Schedule ${nameOf(schedule)} is paused (spec.paused: true): it makes no backups until it is unpaused`,
          remediation: `velero schedule unpause ${schedule.name} -n ${schedule.namespace}, then ${backupCommand(schedule)}`,
        });
        continue;
      }
      if (schedule.cronError !== null) {
        reports.push({
          subject: schedule.subject,
          message: `Schedule ${nameOf(schedule)} never runs: Velero cannot parse its cron expression "${schedule.cron}" (${schedule.cronError}) and fails its validation`,
          remediation: `Give it a cron expression Velero reads, e.g. kubectl -n ${schedule.namespace} patch schedule ${schedule.name} --type merge -p '{"spec":{"schedule":"0 3 * * *"}}'`,
        });
        continue;
      }
      const limit = limitOf(schedule);
      const latest = latestCompleted(backupsOf(model, schedule));
      const at = latest ? backupTime(latest) : null;
      if (!latest || !at) {
        reports.push({ subject: schedule.subject, message: `Schedule ${nameOf(schedule)} has no Completed backup; ${limit.why}`, remediation: backupCommand(schedule) });
      } else if (now - at.getTime() > limit.ms) {
        reports.push({
          subject: latest.subject,
          message: `the newest Completed backup of Schedule ${nameOf(schedule)}, ${latest.name}, completed ${describeAge(now - at.getTime())} before the capture time (${showTime(at)}); ${limit.why}`,
          remediation: backupCommand(schedule),
        });
      }
    }
    if (model.velero.inUse && model.velero.schedules.length === 0) {
      const limit = limitOf(null);
      const latest = latestCompleted(model.velero.backups);
      const at = latest ? backupTime(latest) : null;
      if (!latest || !at) {
        reports.push({ subject: model.velero.storageLocations[0]?.subject ?? clusterSubject, message: 'Velero is installed but holds no Completed backup and no Schedule makes any', remediation: backupCommand(null) });
      } else if (now - at.getTime() > limit.ms) {
        reports.push({
          subject: latest.subject,
          message: `the newest Completed backup, ${nameOf(latest)}, completed ${describeAge(now - at.getTime())} before the capture time (${showTime(at)}) and no Schedule makes new ones; ${fixed !== null ? limit.why : 'the limit is 24h'}`,
          remediation: backupCommand(null),
        });
      }
    }
    return reports;
  },
});
