import type {
  ControllerRef,
  LabelSelector,
  Node,
  NodeSelectorRequirement,
  Pod,
  PodDisruptionBudget,
  Taint,
  Toleration,
} from './types.js';
import { controllerKey } from './owners.js';

export const podKey = (pod: { namespace: string; name: string }): string => `${pod.namespace}/${pod.name}`;

/** Succeeded or Failed: drain deletes these without asking, and nothing is lost. */
export function isFinished(pod: Pod): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
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
