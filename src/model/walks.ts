import type {
  ClusterModel,
  ControllerRef,
  LabelSelector,
  Node,
  NodeSelectorRequirement,
  Pod,
  PodDisruptionBudget,
  Taint,
  Toleration,
  Workload,
} from './types.js';
import { controllerKey } from './owners.js';

export const podKey = (pod: { namespace: string; name: string }): string => `${pod.namespace}/${pod.name}`;

/** Succeeded or Failed: drain deletes these without asking, and nothing is lost. */
export function isFinished(pod: Pod): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}

const podsByNode = new WeakMap<Pod[], Map<string, Pod[]>>();

/** Every pod bound to the node (what `kubectl drain` lists with `--field-selector spec.nodeName=NODE`). */
export function podsOnNode(model: ClusterModel, nodeName: string): Pod[] {
  let index = podsByNode.get(model.pods);
  if (!index) {
    index = new Map();
    for (const pod of model.pods) {
      if (!pod.nodeName) continue;
      const list = index.get(pod.nodeName) ?? [];
      list.push(pod);
      index.set(pod.nodeName, list);
    }
    podsByNode.set(model.pods, index);
  }
  return [...(index.get(nodeName) ?? [])];
}

export function nodeNamed(model: ClusterModel, name: string): Node | undefined {
  return model.nodes.find((n) => n.name === name);
}

export function workloadNamed(model: ClusterModel, namespace: string, ref: { kind: string; name: string }): Workload | undefined {
  return model.workloads.find((w) => w.namespace === namespace && w.kind === ref.kind && w.name === ref.name);
}

/** The workload named by the pod's controller reference, when it was read. */
export function controllerOf(model: ClusterModel, pod: Pod): Workload | undefined {
  return pod.controller ? workloadNamed(model, pod.namespace, pod.controller) : undefined;
}

/** The top of the pod's controller chain (the Deployment of its ReplicaSet, the CronJob of its Job). */
export function topControllerOf(pod: Pod): ControllerRef | undefined {
  return pod.topController ?? pod.controller;
}

/** `Kind/ns/name` of the top controller: pods with the same key are replicas of one workload. */
export function workloadKeyOf(pod: Pod): string | undefined {
  const top = topControllerOf(pod);
  return top ? controllerKey(pod.namespace, top) : undefined;
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
  const kind = pod.controller.kind;
  const listedLive = pod.subject.provenance?.type === 'live';
  const kindRead = model.workloads.some((w) => w.kind === kind);
  return listedLive || kindRead ? 'missing' : 'unknown';
}

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = Number.parseInt(value ?? '', 10);
      const want = Number.parseInt(values[0] ?? '', 10);
      if (Number.isNaN(have) || Number.isNaN(want)) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/**
 * metav1.LabelSelectorAsSelector: matchLabels and matchExpressions all hold.
 * An empty selector matches everything; callers decide what a missing one means.
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  return (selector.matchExpressions ?? []).every((req) => requirementMatches(req, labels[req.key]));
}

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/**
 * Whether a PDB covers a pod. Same namespace only. A missing selector matches
 * nothing. An empty selector `{}` matches every pod of the namespace in
 * policy/v1, and nothing in policy/v1beta1 (the API server stores v1beta1's
 * empty selector as one that matches nothing:
 * https://kubernetes.io/docs/tasks/run-application/configure-pdb/#arbitrary-controllers-and-selectors).
 */
export function pdbSelectsPod(pdb: PodDisruptionBudget, pod: { namespace: string; labels: Record<string, string> }): boolean {
  if (pdb.namespace !== pod.namespace || !pdb.selector) return false;
  if (isEmptySelector(pdb.selector)) return pdb.subject.ref?.apiVersion !== 'policy/v1beta1';
  return labelSelectorMatches(pdb.selector, pod.labels);
}

const pdbsByNamespace = new WeakMap<PodDisruptionBudget[], Map<string, PodDisruptionBudget[]>>();

export function pdbsOfPod(model: ClusterModel, pod: Pod): PodDisruptionBudget[] {
  let index = pdbsByNamespace.get(model.pdbs);
  if (!index) {
    index = new Map();
    for (const pdb of model.pdbs) index.set(pdb.namespace, [...(index.get(pdb.namespace) ?? []), pdb]);
    pdbsByNamespace.set(model.pdbs, index);
  }
  return (index.get(pod.namespace) ?? []).filter((pdb) => pdbSelectsPod(pdb, pod));
}

/** v1.ToleratesTaint: effect, key and value (or Exists) must agree; an empty key with Exists tolerates everything. */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (!toleration.key && toleration.operator !== 'Exists') return false;
  if (toleration.operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/**
 * The first taint that keeps the pod off the node: NoSchedule and NoExecute
 * count for scheduling, PreferNoSchedule does not
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/).
 */
export function untoleratedTaint(pod: { tolerations: Toleration[] }, taints: Taint[]): Taint | undefined {
  return taints.find(
    (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !pod.tolerations.some((tol) => toleratesTaint(tol, t)),
  );
}

/**
 * spec.nodeSelector and required node affinity: every nodeSelector label, and
 * at least one term whose expressions all match (a term with none matches
 * nothing). https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
 */
export function nodeMatchesAffinity(node: Node, pod: Pick<Pod, 'nodeSelector' | 'requiredNodeAffinity'>): boolean {
  for (const [k, v] of Object.entries(pod.nodeSelector)) if (node.labels[k] !== v) return false;
  if (pod.requiredNodeAffinity.length === 0) return true;
  return pod.requiredNodeAffinity.some(
    (term) =>
      term.length > 0 &&
      term.every((req) => requirementMatches(req, req.field ? (req.key === 'metadata.name' ? node.name : undefined) : node.labels[req.key])),
  );
}
