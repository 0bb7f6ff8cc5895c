import type { ClusterModel, ControllerRef, Pod, Workload } from '../model/types.js';
import { topControllerOf, workloadKeyOf } from '../model/walks.js';
import { pdbsOfPod, podsOnNode, readyReplicas, servingReady, workloadNamed } from '../model/cluster-index.js';

/** Workloads that serve users and are recreated elsewhere on eviction; Jobs and DaemonSets are not about availability. */
export const SERVING_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

export interface StrandedWorkload {
  key: string;
  top: ControllerRef;
  namespace: string;
  workload: Workload | undefined;
  /** Its ready replicas, all on the node. */
  ready: Pod[];
}

/**
 * Whether one PodDisruptionBudget makes drain evict these replicas one batch at
 * a time: it allows fewer evictions than there are replicas, so drain waits
 * (429, retried) for replacements to be Ready before it takes the last one.
 * A budget that allows none blocks the drain instead (drain-pdb-blocks).
 */
function pacedByBudget(model: ClusterModel, replicas: readonly Pod[]): boolean {
  const budgets = replicas.map((p) => pdbsOfPod(model, p));
  if (budgets.some((b) => b.length !== 1)) return false;
  const pdb = budgets[0]![0]!;
  if (!budgets.every((b) => b[0] === pdb)) return false;
  return pdb.allowedDisruptions !== null && pdb.allowedDisruptions !== undefined && pdb.allowedDisruptions < replicas.length;
}

/**
 * Workloads whose every ready replica runs on the node, with nothing to make
 * drain wait for replacements: draining it leaves them with none until a
 * replacement is scheduled and Ready.
 */
export function workloadsOnlyOn(model: ClusterModel, nodeName: string): StrandedWorkload[] {
  const seen = new Set<string>();
  const out: StrandedWorkload[] = [];
  for (const pod of podsOnNode(model, nodeName)) {
    const key = workloadKeyOf(pod);
    const top = topControllerOf(pod);
    if (!key || !top || !SERVING_KINDS.has(top.kind) || seen.has(key) || !servingReady(pod)) continue;
    seen.add(key);
    const replicas = readyReplicas(model, key);
    if (replicas.some((p) => p.nodeName !== nodeName) || pacedByBudget(model, replicas)) continue;
    out.push({ key, top, namespace: pod.namespace, workload: workloadNamed(model, pod.namespace, top), ready: [...replicas] });
  }
  return out;
}
