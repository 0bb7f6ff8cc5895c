import { defineRule } from '../src/engine/define-rule.js';
import { kubeletVersionOn } from '../src/model/cluster-index.js';
import type { Report } from '../src/engine/types.js';
import { apiserverRange } from '../src/model/control-plane.js';
import { minorDistance, minorOf, parseVersion, type Version } from '../src/model/version.js';
import { oldestKnownRelease, releaseOf } from '../src/facts/releases.js';
import { show } from '../src/facts/wording.js';

const DAY = 86_400_000;

interface Options {
  warnDays: number;
}

/** Days from the capture time to the end of life of a minor (negative: already past), or null when unknown. */
function daysLeft(v: Version, now: Date): number | null {
  const release = releaseOf(v);
  if (release) return Math.floor((Date.parse(`${release.endOfLife}T00:00:00Z`) - now.getTime()) / DAY);
  // Minors older than the table ended long before it starts.
  return minorDistance(v, parseVersion(oldestKnownRelease.minor)!) < 0 ? -Infinity : null;
}

/** `on 2026-06-28`, or `before 2021-10-28` for minors older than the table. */
function endOfLife(v: Version): string {
  const release = releaseOf(v);
  return release ? `on ${release.endOfLife}` : `before ${oldestKnownRelease.endOfLife}`;
}

export default defineRule<Options>({
  id: 'unsupported-version',
  description: 'The cluster runs a Kubernetes minor past (or close to) its end of life, or a node\'s kubelet does.',
  category: 'versions',
  judges: 'cluster',
  severity: 'error',
  needs: ['controlPlane', 'nodes'],
  defaultOptions: { warnDays: 90 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { warnDays: { type: 'integer', minimum: 0, description: 'Warn this many days before end of life.' } },
  },
  remediation:
    'Plan the upgrade to a supported minor (kcheck plan --target X.Y shows every step); the project patches only the ' +
    'three newest minors. Managed offerings (EKS, GKE, AKS) publish their own support windows.',
  check(model, options) {
    const reports: Report[] = [];
    const range = apiserverRange(model);
    if (range) {
      const cluster = range.oldest;
      const days = daysLeft(cluster.version, model.capturedAt);
      const minor = minorOf(cluster.version);
      if (days !== null && days < 0) {
        reports.push({
          subject: cluster.subject,
          message: `Kubernetes ${minor} (kube-apiserver ${show(cluster.version)}) reached end of life ${endOfLife(cluster.version)}; it gets no more security fixes`,
        });
      } else if (days !== null && days <= options.warnDays) {
        reports.push({
          subject: cluster.subject,
          severity: 'warning',
          message: `Kubernetes ${minor} (kube-apiserver ${show(cluster.version)}) reaches end of life ${endOfLife(cluster.version)}, in ${days} days`,
        });
      }
    }
    return reports;
  },
  checkNode(model, node) {
    const kubelet = kubeletVersionOn(model, node.name);
    if (!kubelet) return [];
    const days = daysLeft(kubelet, model.capturedAt);
    if (days === null || days >= 0) return [];
    return [{
      subject: node.subject,
      severity: 'warning',
      message: `kubelet ${show(kubelet)} on node ${node.name} is on Kubernetes ${minorOf(kubelet)}, which reached end of life ${endOfLife(kubelet)}`,
    }];
  },
});
