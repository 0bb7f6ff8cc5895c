import { defineRule } from '../src/engine/define-rule.js';
import { kubeletVersionOn } from '../src/model/cluster-index.js';
import { minorDistance, minorOf } from '../src/model/version.js';
import { describeWindow, inWindow, kubeletWindow } from '../src/facts/skew-policy.js';
import { show } from '../src/facts/wording.js';

export default defineRule({
  id: 'upgrade-blocked-by-kubelet-skew',
  description: 'Kubelets that would fall outside the allowed skew once the control plane reaches the upgrade target.',
  category: 'upgrade',
  judges: 'cluster',
  severity: 'error',
  needs: ['nodes'],
  needsTarget: true,
  remediation:
    'Before the control plane moves to the target, upgrade these kubelets (drain, install the kubelet package, restart, ' +
    'uncordon) to within 3 minors of the target; kcheck plan --target X.Y orders these steps.',
  check(model) {
    const target = model.target;
    if (!target) return [];
    const atTarget = { oldest: target, newest: target };
    return model.nodes.flatMap((node) => {
      const kubelet = kubeletVersionOn(model, node.name);
      if (!kubelet || minorDistance(kubelet, target) > 0) return [];
      const window = kubeletWindow(atTarget);
      if (inWindow(kubelet, window)) return [];
      return [{
        subject: node.subject,
        message:
          `kubelet ${show(kubelet)} on node ${node.name} would be ${minorDistance(target, kubelet)} minors older than a ` +
          `${minorOf(target)} control plane (allowed: ${describeWindow(window)}); upgrade it to at least ${minorOf(window.min)} first`,
      }];
    });
  },
});
