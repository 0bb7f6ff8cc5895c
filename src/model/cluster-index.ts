import type { ClusterModel, ComponentVersion, Namespace, Node, PersistentVolume, Pod, PodDisruptionBudget, VolumeClaim, Workload } from './types.js';
import { controllerKey } from './owners.js';
import type { Version } from './version.js';
import { pdbSelectsPod } from './walks.js';
import { NodeIndex } from './node-index.js';
import { PodIndex, type PodChanges } from './pod-index.js';

export { servingReady } from './pod-index.js';

/**
 * The cluster index: every lookup a rule, a prediction or the planner makes
 * by name, built once and kept beside the part of the model it is derived
 * from. A view is remembered on the array (or node) it was computed from, so
 * a model the planner derives with `{ ...model, target }` keeps the pod
 * indexes of the model it came from, and one whose pods changed gets new ones.
 */
const views = new WeakMap<object, Map<string, unknown>>();

/**
 * KCHECK_REBUILD_VIEWS=1: every derived pod, node and component list builds
 * its views from scratch instead of carrying them over, and the planner asks
 * every rule about every node at each step (slow: a plan becomes O(turns ×
 * pods) again). A cross-check, which must give byte-identical reports
 * (test/plan/rebuilt-views.test.ts).
 */
export const rebuildViews = (): boolean => process.env['KCHECK_REBUILD_VIEWS'] === '1';

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

const POD_INDEX = 'pod index';

/** The views of the model's pod list (see pod-index.ts). */
function podIndex(model: ClusterModel): PodIndex {
  return remembered(model.pods, POD_INDEX, () => new PodIndex(model.pods));
}

/**
 * The model's pod list with some pods replaced or removed, its pod views
 * carried over to the new list and updated, not rebuilt: what the planner's
 * states are made of (O(changes), not O(pods), per state).
 */
export function changePods(model: ClusterModel, changes: PodChanges): Pod[] {
  if (rebuildViews()) return new PodIndex(model.pods).carry(changes).pods;
  const known = views.get(model.pods);
  const parent = (known?.get(POD_INDEX) as PodIndex | undefined) ?? new PodIndex(model.pods);
  known?.delete(POD_INDEX);
  const { pods, index } = parent.carry(changes);
  remembered(pods, POD_INDEX, () => index);
  return pods;
}

/** Every pod bound to the node (what `kubectl drain` lists with `--field-selector spec.nodeName=NODE`). */
export function podsOnNode(model: ClusterModel, nodeName: string): Pod[] {
  return [...(podIndex(model).byNode().lists.get(nodeName) ?? NONE)];
}

/** How many pods bound to the node are not finished (what counts against its `pods` allocatable). */
export function runningPodsOn(model: ClusterModel, nodeName: string): number {
  return podIndex(model).running().get(nodeName) ?? 0;
}

/** The pods bound to no node (Pending), in the list's order. */
export function unboundPods(model: ClusterModel): readonly Pod[] {
  return podIndex(model).unbound();
}

const NODE_INDEX = 'node index';

/** The views of the model's node list (see node-index.ts). */
function nodeIndex(model: ClusterModel): NodeIndex {
  return remembered(model.nodes, NODE_INDEX, () => new NodeIndex(model.nodes));
}

/** The model's node list with one node object replaced (a cordon), its node views carried over (O(1), not a sort of every node). */
export function replaceNode(model: ClusterModel, old: Node, next: Node): Node[] {
  if (rebuildViews()) return new NodeIndex(model.nodes).carry(old, next).nodes;
  const known = views.get(model.nodes);
  const parent = (known?.get(NODE_INDEX) as NodeIndex | undefined) ?? new NodeIndex(model.nodes);
  known?.delete(NODE_INDEX);
  const { nodes, index } = parent.carry(old, next);
  remembered(nodes, NODE_INDEX, () => index);
  return nodes;
}

export function nodeNamed(model: ClusterModel, name: string): Node | undefined {
  return nodeIndex(model).byName().get(name);
}

/** Every node object of that name, in the input's order (two files may hold the same node). */
export function nodesCalled(model: ClusterModel, name: string): readonly Node[] {
  return nodeIndex(model).called(name);
}

/** Each node name once, in the order of the node list. */
export function nodeNamesInOrder(model: ClusterModel): readonly string[] {
  return nodeIndex(model).names();
}

/** Each node's place in name order. */
export function namePositions(model: ClusterModel): ReadonlyMap<Node, number> {
  return nodeIndex(model).places();
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

/** The ready replicas of the workload with this key (`Kind/ns/name` of the pods' top controller). */
export function readyReplicas(model: ClusterModel, workloadKey: string): readonly Pod[] {
  return podIndex(model).ready().lists.get(workloadKey) ?? NONE;
}

const onNodeView = (component: 'kubelet' | 'kube-proxy'): string => `${component} by node`;
const NAMED_VIEW = 'components by name';

/** The component of that name running on the node, as its nodeInfo or its pod says (kubelet, kube-proxy). */
export function componentOnNode(model: ClusterModel, component: 'kubelet' | 'kube-proxy', nodeName: string): ComponentVersion | undefined {
  const byNode = remembered(model.components, onNodeView(component), () =>
    uniqueBy(model.components.filter((c) => c.component === component && c.node !== undefined), (c) => c.node!),
  );
  return byNode.get(nodeName);
}

const ON_NODE_VIEW = 'components by name and node';
const onNodeKey = (component: string, node: string): string => `${component}\u0000${node}`;

/** The components of that name whose version is known, in the input's order. */
export function knownComponentsNamed(model: ClusterModel, name: string): readonly ComponentVersion[] {
  const byName = remembered(model.components, NAMED_VIEW, () => groupBy(model.components.filter((c) => c.version !== null), (c) => c.component));
  return byName.get(name) ?? NONE;
}

/** The components of that name on the node whose version is known, in the input's order. */
export function knownComponentsOn(model: ClusterModel, name: string, nodeName: string): readonly ComponentVersion[] {
  const byNode = remembered(model.components, ON_NODE_VIEW, () =>
    groupBy(model.components.filter((c) => c.version !== null && c.node !== undefined), (c) => onNodeKey(c.component, c.node!)),
  );
  return byNode.get(onNodeKey(name, nodeName)) ?? NONE;
}

/**
 * The component views of `before`, moved to `after`: the same list with some
 * components replaced by new versions of themselves (same component, same
 * node, a version known before and after), as the planner's steps make them.
 * O(replaced × components of that name) instead of rebuilding every view
 * from every component at each step. Anything else leaves `after` to build
 * its own views.
 */
export function carryComponentViews(before: readonly ComponentVersion[], after: readonly ComponentVersion[], replaced: ReadonlyMap<ComponentVersion, ComponentVersion>): void {
  const known = views.get(before);
  if (!known || before.length !== after.length || rebuildViews()) return;
  for (const [old, next] of replaced) {
    if (old.component !== next.component || old.node !== next.node || old.version === null || next.version === null) return;
  }
  const moved = new Map<string, unknown>();
  for (const [view, keyOf] of [[NAMED_VIEW, (c: ComponentVersion) => c.component], [ON_NODE_VIEW, (c: ComponentVersion) => (c.node === undefined ? undefined : onNodeKey(c.component, c.node))]] as const) {
    const grouped = known.get(view) as Map<string, ComponentVersion[]> | undefined;
    if (!grouped) continue;
    for (const [old, next] of replaced) {
      const key = keyOf(old);
      const list = key === undefined ? undefined : grouped.get(key);
      if (list) grouped.set(key!, list.map((c) => (c === old ? next : c)));
    }
    moved.set(view, grouped);
  }
  for (const component of ['kubelet', 'kube-proxy'] as const) {
    const byNode = known.get(onNodeView(component)) as Map<string, ComponentVersion> | undefined;
    if (!byNode) continue;
    for (const [old, next] of replaced) if (old.node !== undefined && byNode.get(old.node) === old) byNode.set(old.node, next);
    moved.set(onNodeView(component), byNode);
  }
  // The views now describe `after`; `before` builds its own if asked again.
  for (const key of moved.keys()) known.delete(key);
  let mine = views.get(after);
  if (!mine) views.set(after, (mine = new Map()));
  for (const [key, view] of moved) mine.set(key, view);
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
  return nodeIndex(model).inNameOrder();
}

/**
 * The nodes running pods of each workload (`Kind/ns/name` → node names), finished
 * pods left out, as the scheduler's spreading counts them.
 */
export function nodesRunningWorkload(model: ClusterModel, workloadKey: string): Iterable<string> {
  return podIndex(model).spread().nodes.get(workloadKey)?.keys() ?? NONE;
}

/** The bound pods that carry required pod anti-affinity (what InterPodAffinity checks a new pod against). */
export function podsWithAntiAffinity(model: ClusterModel): readonly Pod[] {
  return podIndex(model).antiAffinity();
}
