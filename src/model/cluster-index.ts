import type { ClusterModel, ComponentVersion, Namespace, Node, PersistentVolume, Pod, PodDisruptionBudget, VolumeClaim, Workload } from './types.js';
import { controllerKey } from './owners.js';
import type { Version } from './version.js';
import { isFinished, pdbSelectsPod, workloadKeyOf } from './walks.js';

/**
 * The cluster index: every lookup a rule, a prediction or the planner makes
 * by name, built once and kept beside the part of the model it is derived
 * from. A view is remembered on the array (or node) it was computed from, so
 * a model the planner derives with `{ ...model, target }` keeps the pod
 * indexes of the model it came from, and one whose pods changed gets new ones.
 */
const views = new WeakMap<object, Map<string, unknown>>();

/** The view `key` of a model part, computed the first time it is asked for. */
export function remembered<T>(part: object, key: string, compute: () => T): T {
  let known = views.get(part);
  if (!known) {
    known = new Map();
    views.set(part, known);
  }
  if (known.has(key)) return known.get(key) as T;
  const value = compute();
  known.set(key, value);
  return value;
}

/** The items by key, in their order; items without a key left out. O(items). */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function uniqueBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  // The first object read wins, as a linear search would find it.
  for (const item of items) if (!out.has(keyOf(item))) out.set(keyOf(item), item);
  return out;
}

const NONE: readonly never[] = Object.freeze([]);

/** Every pod bound to the node (what `kubectl drain` lists with `--field-selector spec.nodeName=NODE`). */
export function podsOnNode(model: ClusterModel, nodeName: string): Pod[] {
  const byNode = remembered(model.pods, 'pods by node', () => groupBy(model.pods, (p) => p.nodeName));
  return [...(byNode.get(nodeName) ?? NONE)];
}

export function nodeNamed(model: ClusterModel, name: string): Node | undefined {
  return remembered(model.nodes, 'nodes by name', () => uniqueBy(model.nodes, (n) => n.name)).get(name);
}

export function namespaceNamed(model: ClusterModel, name: string): Namespace | undefined {
  const namespaces = model.namespaces ?? NONE;
  return remembered(namespaces, 'namespaces by name', () => uniqueBy(namespaces, (n) => n.name)).get(name);
}

/** The workload of that kind and name in the namespace, when it was read (owners by kind/namespace/name). */
export function workloadNamed(model: ClusterModel, namespace: string, ref: { kind: string; name: string }): Workload | undefined {
  const byKey = remembered(model.workloads, 'workloads by key', () => uniqueBy(model.workloads, (w) => controllerKey(w.namespace, w)));
  return byKey.get(controllerKey(namespace, ref));
}

/** Whether any workload of the kind was read. */
function workloadKindRead(model: ClusterModel, kind: string): boolean {
  return remembered(model.workloads, 'workload kinds', () => new Set<string>(model.workloads.map((w) => w.kind))).has(kind);
}

/** The PodDisruptionBudgets that select the pod (PDBs by pod). */
export function pdbsOfPod(model: ClusterModel, pod: Pod): PodDisruptionBudget[] {
  const byNamespace = remembered(model.pdbs, 'pdbs by namespace', () => groupBy(model.pdbs, (p) => p.namespace));
  return (byNamespace.get(pod.namespace) ?? NONE).filter((pdb) => pdbSelectsPod(pdb, pod));
}

/** A replica that serves: Ready, not being deleted, not finished, not a mirror of a static pod. */
export const servingReady = (pod: Pod): boolean => pod.ready && !pod.deleting && !isFinished(pod) && !pod.mirror;

/** The ready replicas of the workload with this key (`Kind/ns/name` of the pods' top controller). */
export function readyReplicas(model: ClusterModel, workloadKey: string): readonly Pod[] {
  const byWorkload = remembered(model.pods, 'ready replicas', () => groupBy(model.pods.filter(servingReady), workloadKeyOf));
  return byWorkload.get(workloadKey) ?? NONE;
}

/** The component of that name running on the node, as its nodeInfo or its pod says (kubelet, kube-proxy). */
export function componentOnNode(model: ClusterModel, component: 'kubelet' | 'kube-proxy', nodeName: string): ComponentVersion | undefined {
  const byNode = remembered(model.components, `${component} by node`, () =>
    uniqueBy(model.components.filter((c) => c.component === component && c.node !== undefined), (c) => c.node!),
  );
  return byNode.get(nodeName);
}

/** The workload named by the pod's controller reference, when it was read. */
export function controllerOf(model: ClusterModel, pod: Pod): Workload | undefined {
  return pod.controller ? workloadNamed(model, pod.namespace, pod.controller) : undefined;
}

/**
 * Whether the pod's controller still exists. `missing` only when the input
 * could have shown it: a live scan that listed workloads, or files that hold
 * objects of that kind. Otherwise `unknown` (a dump of pods alone says nothing).
 */
export function controllerPresence(model: ClusterModel, pod: Pod): 'none' | 'present' | 'missing' | 'unknown' {
  if (!pod.controller) return 'none';
  if (controllerOf(model, pod)) return 'present';
  if (model.incomplete.has('workloads')) return 'unknown';
  const listedLive = pod.subject.provenance?.type === 'live';
  return listedLive || workloadKindRead(model, pod.controller.kind) ? 'missing' : 'unknown';
}

/** The kubelet version the node reports (status.nodeInfo.kubeletVersion), when it can be read. */
export function kubeletVersionOn(model: ClusterModel, nodeName: string): Version | null {
  return componentOnNode(model, 'kubelet', nodeName)?.version ?? null;
}

/** Whether the input holds an object of the kind (one pass over the objects, then a set lookup). */
export function kindRead(model: ClusterModel, kind: string): boolean {
  return remembered(model.objects, 'kinds', () => new Set<string>(model.objects.map((o) => o.kind))).has(kind);
}

/** The PersistentVolumeClaim of that name in the namespace, when it was read. */
export function volumeClaimNamed(model: ClusterModel, namespace: string, name: string): VolumeClaim | undefined {
  const claims = model.volumeClaims ?? NONE;
  return remembered(claims, 'claims by name', () => uniqueBy(claims, (c) => `${c.namespace}/${c.name}`)).get(`${namespace}/${name}`);
}

export function persistentVolumeNamed(model: ClusterModel, name: string): PersistentVolume | undefined {
  const volumes = model.persistentVolumes ?? NONE;
  return remembered(volumes, 'volumes by name', () => uniqueBy(volumes, (v) => v.name)).get(name);
}

/** The nodes in name order (sorted once per node list, O(N log N)). */
export function nodesByName(model: ClusterModel): readonly Node[] {
  return remembered(model.nodes, 'nodes in name order', () => [...model.nodes].sort((a, b) => a.name.localeCompare(b.name)));
}

/**
 * The nodes running pods of each workload (`Kind/ns/name` → node names), finished
 * pods left out, as the scheduler's spreading counts them; one pass over the pods.
 */
export function nodesRunningWorkload(model: ClusterModel, workloadKey: string): ReadonlySet<string> {
  const byWorkload = remembered(model.pods, 'nodes by workload', () => {
    const out = new Map<string, Set<string>>();
    for (const pod of model.pods) {
      const key = workloadKeyOf(pod);
      if (!key || !pod.nodeName || isFinished(pod)) continue;
      const nodes = out.get(key);
      if (nodes) nodes.add(pod.nodeName);
      else out.set(key, new Set([pod.nodeName]));
    }
    return out;
  });
  return byWorkload.get(workloadKey) ?? EMPTY_SET;
}

const EMPTY_SET: ReadonlySet<string> = new Set();

/** The bound pods that carry required pod anti-affinity (what InterPodAffinity checks a new pod against). */
export function podsWithAntiAffinity(model: ClusterModel): readonly Pod[] {
  return remembered(model.pods, 'pods with anti-affinity', () => model.pods.filter((p) => p.nodeName && !isFinished(p) && (p.podAntiAffinity ?? []).length > 0));
}
