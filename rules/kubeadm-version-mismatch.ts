import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import { componentsNamed } from '../src/model/control-plane.js';
import { minorDistance, minorOf } from '../src/model/version.js';
import { show } from '../src/facts/wording.js';
import { installCommands } from '../src/facts/packages.js';

export default defineRule({
  id: 'kubeadm-version-mismatch',
  description: 'kubeadm cannot take the cluster to the upgrade target: it is older than the target, or too new to deploy it.',
  category: 'upgrade',
  judges: 'cluster',
  severity: 'error',
  needsTarget: true,
  remediation: 'Upgrade kubeadm on the control-plane node first, then run sudo kubeadm upgrade plan.',
  skipIf: (model) => (componentsNamed(model, 'kubeadm').length > 0 ? null : 'no kubeadm version known (pass --kubeadm-version, from `kubeadm version -o short`)'),
  check(model) {
    const target = model.target;
    if (!target) return [];
    return componentsNamed(model, 'kubeadm').flatMap((kubeadm): Report[] => {
      const v = kubeadm.version;
      const gap = minorDistance(target, v);
      if (gap > 0) {
        return [{
          subject: kubeadm.subject,
          message: `kubeadm ${show(v)} is older than the target ${minorOf(target)}: kubeadm must be upgraded to ${minorOf(target)} before the control plane`,
          remediation: installCommands(['kubeadm'], target) + '\nkubeadm version -o short\nsudo kubeadm upgrade plan',
        }];
      }
      // kubeadm X.Y deploys control planes X.Y and X.(Y-1) only.
      if (gap < -1) {
        return [{
          subject: kubeadm.subject,
          message: `kubeadm ${show(v)} cannot deploy or upgrade to ${minorOf(target)}; it manages ${minorOf(v)} and ${v.major}.${v.minor - 1} only`,
          remediation: installCommands(['kubeadm'], target),
        }];
      }
      if (gap === 0 && /^v?\d+\.\d+\.\d+$/.test(target.raw) && target.patch > v.patch) {
        return [{
          subject: kubeadm.subject,
          severity: 'warning',
          message: `kubeadm ${show(v)} is older than the target patch release ${show(target)}; kubeadm upgrade apply refuses it without --force`,
          remediation: installCommands(['kubeadm'], target, true),
        }];
      }
      return [];
    });
  },
});
