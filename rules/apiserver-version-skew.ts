import { defineRule } from '../src/engine/define-rule.js';
import { apiserverRange } from '../src/model/control-plane.js';
import { minorDistance, minorOf } from '../src/model/version.js';
import { MAX_APISERVER_SPREAD } from '../src/facts/skew-policy.js';
import { show } from '../src/facts/wording.js';

export default defineRule({
  id: 'apiserver-version-skew',
  description: 'The kube-apiserver instances of an HA control plane are more than one minor apart.',
  category: 'versions',
  judges: 'cluster',
  severity: 'error',
  needs: ['controlPlane'],
  remediation:
    'Finish the interrupted upgrade: bring every kube-apiserver to the same minor, one minor at a time ' +
    '(kubeadm upgrade node on each remaining control-plane node), before any other component moves.',
  check(model) {
    const range = apiserverRange(model);
    if (!range || minorDistance(range.newest.version, range.oldest.version) <= MAX_APISERVER_SPREAD) return [];
    const newest = range.newest.version;
    return range.instances
      .filter((c) => minorDistance(newest, c.version) > MAX_APISERVER_SPREAD)
      .map((c) => ({
        subject: c.subject,
        message:
          `kube-apiserver ${show(c.version)}${c.node ? ` on node ${c.node}` : ''} is ${minorDistance(newest, c.version)} minors ` +
          `older than kube-apiserver ${show(newest)}${range.newest.node ? ` on node ${range.newest.node}` : ''}; ` +
          `instances must be within one minor (allowed here: ${minorOf(newest)} or ${newest.major}.${newest.minor - 1})`,
      }));
  },
});
