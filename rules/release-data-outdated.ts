import { defineRule } from '../src/engine/define-rule.js';
import { clusterSubject } from '../src/model/subject.js';
import { newestKnownRelease, releaseTable } from '../src/facts/releases.js';

const DAY = 86_400_000;

interface Options {
  maxDays: number;
}

export default defineRule<Options>({
  id: 'release-data-outdated',
  description: 'kcheck\'s table of Kubernetes releases is older than the capture time allows; newer releases may be missing.',
  category: 'versions',
  judges: 'cluster',
  severity: 'info',
  defaultOptions: { maxDays: 180 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { maxDays: { type: 'integer', minimum: 1, description: 'Days after the newest known release before this fires.' } },
  },
  remediation: 'Update kcheck (npm install -g kcheck@latest) so end-of-life and skew data cover the newest releases.',
  check(model, options) {
    const newest = Date.parse(`${newestKnownRelease.released}T00:00:00Z`);
    const days = Math.floor((model.capturedAt.getTime() - newest) / DAY);
    if (days <= options.maxDays) return [];
    return [{
      subject: clusterSubject,
      message:
        `the release table (taken ${releaseTable.taken}) ends at Kubernetes ${newestKnownRelease.minor}, released ` +
        `${days} days before the capture time; a minor may have been released since`,
    }];
  },
});
