import type { ClusterModel, ControllerRef, Pod, Workload } from '../model/types.js';
import { isFinished, podsOnNode, topControllerOf, workloadKeyOf, workloadNamed } from '../model/walks.js';

/** Workloads that serve users and are recreated elsewhere on eviction; Jobs and DaemonSets are not about availability. */
export const SERVING_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

const servingReady = (pod: Pod): boolean => pod.ready && !pod.deleting && !isFinished(pod) && !pod.mirror;

export interface StrandedWorkload {
  key: string;
  top: ControllerRef;
  namespace: string;
  workload: Workload | undefined;
  /** Its ready replicas, all on the node. */
  ready: Pod[];
}

const readyIndex = new WeakMap<Pod[], Map<string, Pod[]>>();

function readyByWorkload(model: ClusterModel): Map<string, Pod[]> {
  let index = readyIndex.get(model.pods);
  if (!index) {
    index = new Map();
    for (const pod of model.pods) {
      const key = workloadKeyOf(pod);
      if (!key || !servingReady(pod)) continue;
      index.set(key, [...(index.get(key) ?? []), pod]);
    }
    readyIndex.set(model.pods, index);
  }
  return index;
}

/**
 * Workloads whose every ready replica runs on the node: draining it leaves them
 * with none until a replacement is scheduled and Ready.
 */
export function workloadsOnlyOn(model: ClusterModel, nodeName: string): StrandedWorkload[] {
  const ready = readyByWorkload(model);
  const seen = new Set<string>();
  const out: StrandedWorkload[] = [];
  for (const pod of podsOnNode(model, nodeName)) {
    const key = workloadKeyOf(pod);
    const top = topControllerOf(pod);
    if (!key || !top || !SERVING_KINDS.has(top.kind) || seen.has(key) || !servingReady(pod)) continue;
    seen.add(key);
    const replicas = ready.get(key) ?? [];
    if (replicas.some((p) => p.nodeName !== nodeName)) continue;
    out.push({ key, top, namespace: pod.namespace, workload: workloadNamed(model, pod.namespace, top), ready: replicas });
  }
  return out;
}
