import { defineRule } from '../src/engine/define-rule.js';
import { kubeletVersionOn, nodeNamed } from '../src/model/cluster-index.js';
import { apiserverRange, componentsNamed, componentsOn, type KnownComponentVersion } from '../src/model/control-plane.js';
import type { ClusterModel } from '../src/model/types.js';
import type { Report } from '../src/engine/types.js';
import { describeWindow, inWindow, kubeProxyKubeletWindow, kubeProxyWindow, measuredAgainst, versionsOf } from '../src/facts/skew-policy.js';
import { distance, show } from '../src/facts/wording.js';

const apiOf = (model: ClusterModel): ReturnType<typeof versionsOf> | null => {
  const range = apiserverRange(model);
  return range ? versionsOf(range) : null;
};

/** The kube-proxy against the kube-apiserver, and against the kubelet on its node. */
function judge(model: ClusterModel, api: ReturnType<typeof versionsOf> | null, proxy: KnownComponentVersion): Report[] {
  const out: Report[] = [];
  const where = proxy.node ? ` on node ${proxy.node}` : '';
  if (api) {
    const window = kubeProxyWindow(api);
    if (!inWindow(proxy.version, window)) {
      const against = measuredAgainst(proxy.version, api);
      out.push({
        subject: proxy.subject,
        message:
          `kube-proxy ${show(proxy.version)}${where} is ${distance(proxy.version, against)} kube-apiserver ${show(against)}; ` +
          `allowed kube-proxy minors: ${describeWindow(window)}`,
      });
    }
  }
  const kubelet = proxy.node ? kubeletVersionOn(model, proxy.node) : null;
  if (kubelet) {
    const window = kubeProxyKubeletWindow(kubelet);
    if (!inWindow(proxy.version, window)) {
      out.push({
        subject: proxy.subject,
        message:
          `kube-proxy ${show(proxy.version)}${where} is ${distance(proxy.version, kubelet)} the kubelet ${show(kubelet)} ` +
          `on the same node; allowed kube-proxy minors there: ${describeWindow(window)}`,
      });
    }
  }
  return out;
}

export default defineRule({
  id: 'kube-proxy-version-skew',
  description: 'kube-proxy is newer than the kube-apiserver, too old for it, or too far from the kubelet on its node.',
  category: 'versions',
  judges: 'cluster',
  severity: 'error',
  needs: ['nodes', 'pods', 'controlPlane'],
  remediation:
    'Upgrade kube-proxy with the control plane: kubeadm upgrade apply updates the kube-system/kube-proxy DaemonSet; ' +
    'elsewhere set its image to the control plane\'s minor (kubectl -n kube-system set image daemonset/kube-proxy ' +
    'kube-proxy=registry.k8s.io/kube-proxy:vX.Y.Z) and keep it within 3 minors of each node\'s kubelet.',
  check(model) {
    // kube-proxies on no node the input has; those on a node are its node part.
    const api = apiOf(model);
    return componentsNamed(model, 'kube-proxy')
      .filter((proxy) => proxy.node === undefined || !nodeNamed(model, proxy.node))
      .flatMap((proxy) => judge(model, api, proxy));
  },
  checkNode(model, node) {
    // Once per node name, whatever the number of its Node objects: the proxies are the name's.
    if (nodeNamed(model, node.name) !== node) return [];
    const api = apiOf(model);
    return componentsOn(model, 'kube-proxy', node.name).flatMap((proxy) => judge(model, api, proxy));
  },
});
