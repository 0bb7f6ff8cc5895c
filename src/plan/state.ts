import { kubeadmEtcdFor } from '../facts/kubeadm-etcd.js';
import type { ClusterModel, ComponentName, ComponentVersion, Pod } from '../model/types.js';
import { compareVersions, type Version } from '../model/version.js';
import { podKey } from '../model/walks.js';
import type { DrainPrediction } from '../predict/drain-types.js';
import { placePods } from '../predict/placement.js';
import { carryComponentViews, changePods, nodesCalled, replaceNode, unboundPods } from '../model/cluster-index.js';

/**
 * The cluster as it would be part-way through an upgrade. Each function
 * returns a new model and leaves its argument as it was.
 */

const CONTROL_PLANE: ComponentName[] = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/** A component read from the cluster as a whole (server version, kubeadm config) belongs to the first control-plane node. */
const onNode = (c: ComponentVersion, node: string, first: boolean): boolean => c.node === node || (first && c.node === undefined);

function withComponents(model: ClusterModel, update: (c: ComponentVersion) => ComponentVersion): ClusterModel {
  const replaced = new Map<ComponentVersion, ComponentVersion>();
  const components = model.components.map((c) => {
    const next = update(c);
    if (next !== c) replaced.set(c, next);
    return next;
  });
  // The views of the components (by name, kubelet and kube-proxy by node) follow the few that changed.
  carryComponentViews(model.components, components, replaced);
  return { ...model, components };
}

const setVersion = (c: ComponentVersion, v: Version): ComponentVersion => (c.version && compareVersions(c.version, v) >= 0 ? c : { ...c, version: v });

export function withTarget(model: ClusterModel, target: Version): ClusterModel {
  return { ...model, target };
}

/** kubeadm installed at `v` on the control-plane nodes. */
export function withKubeadm(model: ClusterModel, v: Version): ClusterModel {
  if (!model.components.some((c) => c.component === 'kubeadm')) {
    const planned: ComponentVersion = { component: 'kubeadm', version: v, raw: v.raw, source: 'flag', subject: { ref: null, provenance: { type: 'flag', flag: 'plan' } } };
    return { ...model, components: [...model.components, planned] };
  }
  return withComponents(model, (c) => (c.component === 'kubeadm' ? setVersion(c, v) : c));
}

/**
 * `kubeadm upgrade apply` (first node) or `kubeadm upgrade node` (the others):
 * the node's static pods move to `v`, a stacked etcd to the etcd kubeadm ships
 * for `v`. `apply` also rolls the kube-proxy DaemonSet to `v` on every node.
 */
export function withControlPlaneAt(model: ClusterModel, node: string, v: Version, first: boolean): ClusterModel {
  const etcd = kubeadmEtcdFor(v);
  const updated = withComponents(model, (c) => {
    if (CONTROL_PLANE.includes(c.component) && onNode(c, node, first)) return setVersion(c, v);
    if (c.component === 'etcd' && etcd && onNode(c, node, first) && c.source !== 'flag') return setVersion(c, etcd);
    if (c.component === 'kube-proxy' && first) return setVersion(c, v);
    return c;
  });
  return updated;
}

/** The node's kubelet (and kubectl, when it is the node operators run kubectl on) at `v`. */
export function withKubelet(model: ClusterModel, node: string, v: Version, kubectlToo: boolean): ClusterModel {
  return withComponents(model, (c) => {
    if (c.component === 'kubelet' && c.node === node) return setVersion(c, v);
    if (c.component === 'kubectl' && kubectlToo) return setVersion(c, v);
    return c;
  });
}

/** The node cordoned or uncordoned; its node list carried over from the model's (replaceNode: O(1) per node object). */
function withCordon(model: ClusterModel, node: string, unschedulable: boolean): ClusterModel {
  let nodes = model.nodes;
  for (const old of nodesCalled(model, node)) {
    if (old.unschedulable === unschedulable) continue;
    nodes = replaceNode({ ...model, nodes }, old, { ...old, unschedulable });
  }
  return { ...model, nodes };
}

/**
 * After the drain: evicted pods run where their replacement was placed
 * (assumed Ready again), pods with no room wait Pending, pods deleted for
 * good are gone, refused and skipped pods stay. The new pod list is the old
 * one with the drained node's pods changed (changePods: O(pods on the node)).
 */
export function afterDrain(model: ClusterModel, drain: DrainPrediction): ClusterModel {
  // kubectl evicts nothing from a node whose pods a filter refuses.
  if (drain.fates.some((f) => f.end === 'refused')) return withCordon(model, drain.node, true);
  const replaced = new Map<Pod, Pod>();
  const removed = new Set<Pod>();
  // The fates are of the model's own pod objects.
  for (const fate of drain.fates) {
    const pod = fate.pod;
    if (fate.action === 'skip' || fate.action === 'refuse' || fate.end === 'waits' || fate.end === 'fails') continue;
    if (fate.action === 'delete-forever' || !fate.destination) removed.add(pod);
    else if (fate.destination.node === null) {
      const { nodeName: _gone, ...pending } = pod;
      replaced.set(pod, { ...pending, phase: 'Pending', ready: false });
    } else replaced.set(pod, { ...pod, nodeName: fate.destination.node });
  }
  return withCordon({ ...model, pods: changePods(model, { replaced, removed }) }, drain.node, true);
}

/** `kubectl uncordon`: the node takes pods again, and the scheduler places what was Pending. */
export function afterUncordon(model: ClusterModel, node: string, pendingKeys: Set<string>): ClusterModel {
  const open = withCordon(model, node, false);
  const pending = unboundPods(open).filter((p) => pendingKeys.has(podKey(p)));
  if (pending.length === 0) return open;
  const placement = placePods(open, pending, { draining: new Set(), leaving: new Set() });
  const replaced = new Map(placement.placed.map((p): [Pod, Pod] => [p.pod, { ...p.pod, nodeName: p.node, phase: 'Running', ready: true }]));
  return { ...open, pods: changePods(open, { replaced, removed: new Set() }) };
}
