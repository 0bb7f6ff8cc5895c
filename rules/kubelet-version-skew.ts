import { defineRule } from '../src/engine/define-rule.js';
import { kubeletVersionOn } from '../src/model/cluster-index.js';
import { apiserverRange } from '../src/model/control-plane.js';
import { minorDistance } from '../src/model/version.js';
import { describeWindow, inWindow, kubeletWindow, versionsOf } from '../src/facts/skew-policy.js';
import { distance, show } from '../src/facts/wording.js';
import { installCommands } from '../src/facts/packages.js';

export default defineRule({
  id: 'kubelet-version-skew',
  description: 'A kubelet is newer than the oldest kube-apiserver, or older than the version skew policy allows.',
  category: 'versions',
  judges: 'cluster',
  severity: 'error',
  needs: ['nodes', 'controlPlane'],
  remediation:
    'Upgrade the kubelet one node at a time: kubectl drain NODE --ignore-daemonsets, install the kubelet package of the ' +
    'control plane\'s minor, sudo systemctl daemon-reload && sudo systemctl restart kubelet, kubectl uncordon NODE. ' +
    'A kubelet newer than the apiserver needs the control plane upgraded first (kubeadm upgrade apply).',
  skipIf: (model) =>
    model.nodes.some((n) => kubeletVersionOn(model, n.name)) && !apiserverRange(model)
      ? 'no kube-apiserver version known (give static pod manifests, --root, `kubectl version` output or the kubeadm-config ConfigMap)'
      : null,
  check: () => [],
  checkNode(model, node) {
    const range = apiserverRange(model);
    if (!range) return [];
    const api = versionsOf(range);
    const kubelet = kubeletVersionOn(model, node.name);
    if (!kubelet) return [];
    const window = kubeletWindow(api);
    if (inWindow(kubelet, window)) return [];
    const newer = minorDistance(kubelet, api.oldest) > 0;
    const against = newer ? api.oldest : api.newest;
    return [{
      subject: node.subject,
      message:
        `kubelet ${show(kubelet)} on node ${node.name} is ${distance(kubelet, against)} kube-apiserver ${show(against)}; ` +
        `allowed kubelet minors: ${describeWindow(window)}`,
      ...(newer
        ? {}
        : { remediation: `kubectl drain ${node.name} --ignore-daemonsets\n${installCommands(['kubelet'], api.oldest)}\nsudo systemctl daemon-reload && sudo systemctl restart kubelet\nkubectl uncordon ${node.name}` }),
    }];
  },
});
