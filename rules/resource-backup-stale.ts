import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import { DURATION_PATTERN, parseDuration } from '../src/model/duration.js';
import { describeAge } from '../src/facts/wording.js';
import { FULL_DUMP_COMMAND, newestDump, when } from './shared/dumps.js';

interface Options {
  maxAge: string;
}

/** Past a week a dump misses more than most teams can rebuild by hand (as for etcd snapshots). */
const ERROR_AGE_MS = 7 * 86_400_000;

export default defineRule<Options>({
  id: 'resource-backup-stale',
  description: 'The newest resource dump (kubectl get -o yaml|json) in the backup locations is older than maxAge (default 24h).',
  category: 'backups',
  judges: 'cluster',
  severity: 'warning',
  needs: ['snapshots'],
  defaultOptions: { maxAge: '24h' },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { maxAge: { type: 'string', pattern: DURATION_PATTERN, description: 'Oldest acceptable resource dump: 12h, 24h, 2d, 1w.' } },
  },
  remediation: `Dump the cluster now and check the job that should: ${FULL_DUMP_COMMAND}`,
  check(model, options) {
    const newest = newestDump(model.backups?.dumps ?? []);
    if (!newest) return [];
    const maxAge = parseDuration(options.maxAge) ?? 86_400_000;
    const age = model.capturedAt.getTime() - newest.takenAt.getTime();
    if (age <= maxAge) return [];
    const report: Report = {
      subject: newest.subject,
      ...(age > ERROR_AGE_MS ? { severity: 'error' as const } : {}),
      message: `the newest resource dump, ${newest.file}, was taken ${describeAge(age)} before the capture time (${when(newest)}); maxAge is ${options.maxAge}`,
    };
    return [report];
  },
});
