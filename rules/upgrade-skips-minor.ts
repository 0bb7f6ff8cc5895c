import { defineRule } from '../src/engine/define-rule.js';
import { apiserverRange } from '../src/model/control-plane.js';
import { addMinors, minorDistance, minorOf } from '../src/model/version.js';
import { show } from '../src/facts/wording.js';

export default defineRule({
  id: 'upgrade-skips-minor',
  description: 'The upgrade target is more than one minor above the current control plane, or below it.',
  category: 'upgrade',
  judges: 'cluster',
  severity: 'error',
  needs: ['controlPlane'],
  needsTarget: true,
  remediation:
    'Upgrade one minor at a time (kubeadm refuses to skip): run kcheck plan --target X.Y for every intermediate step. ' +
    'Kubernetes does not support downgrading a control plane; restore an etcd snapshot taken before the upgrade instead.',
  skipIf: (model) => (apiserverRange(model) ? null : 'no kube-apiserver version known to measure the target against'),
  check(model) {
    const range = apiserverRange(model);
    const target = model.target;
    if (!range || !target) return [];
    const current = range.oldest;
    const gap = minorDistance(target, current.version);
    if (gap < 0) {
      return [{
        subject: current.subject,
        message: `target ${minorOf(target)} is below the current kube-apiserver ${show(current.version)}: control planes cannot be downgraded`,
      }];
    }
    if (gap <= 1) return [];
    const path = Array.from({ length: gap + 1 }, (_, i) => minorOf(addMinors(current.version, i)));
    return [{
      subject: current.subject,
      message:
        `target ${minorOf(target)} is ${gap} minors above kube-apiserver ${show(current.version)}; ` +
        `kubeadm upgrades one minor at a time: ${path.join(' → ')}`,
    }];
  },
});
