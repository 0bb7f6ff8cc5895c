import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { ClusterModel, Pod } from '../src/model/types.js';
import { isFinished, podsOnNode, topControllerOf, workloadKeyOf, workloadNamed } from '../src/model/walks.js';
import { plural } from '../src/simulate/describe.js';
import { drainScope, scanningEveryNode } from '../src/simulate/scope.js';

/** Workloads that serve users and are recreated elsewhere on eviction; Jobs and DaemonSets are not about availability. */
const SERVING = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

const servingReady = (pod: Pod): boolean => pod.ready && !pod.deleting && !isFinished(pod) && !pod.mirror;

function fix(kind: string, namespace: string, name: string): string {
  return [
    `kubectl scale ${kind.toLowerCase()}/${name} -n ${namespace} --replicas=2`,
    '# and spread the replicas over nodes (topologySpreadConstraints with topologyKey: kubernetes.io/hostname), so a drain takes one at a time',
  ].join('\n');
}

function fromPods(model: ClusterModel): Report[] {
  const readyByWorkload = new Map<string, Pod[]>();
  for (const pod of model.pods) {
    const key = workloadKeyOf(pod);
    if (!key || !servingReady(pod)) continue;
    readyByWorkload.set(key, [...(readyByWorkload.get(key) ?? []), pod]);
  }
  return drainScope(model).flatMap((node) => {
    const seen = new Set<string>();
    return podsOnNode(model, node.name).flatMap((pod): Report[] => {
      const key = workloadKeyOf(pod);
      const top = topControllerOf(pod);
      if (!key || !top || !SERVING.has(top.kind) || seen.has(key) || !servingReady(pod)) return [];
      seen.add(key);
      const ready = readyByWorkload.get(key) ?? [];
      if (ready.some((p) => p.nodeName !== node.name)) return [];
      const workload = workloadNamed(model, pod.namespace, top);
      const names = ready.map((p) => p.name).join(', ');
      return [{
        subject: workload?.subject ?? pod.subject,
        message:
          `${top.kind} ${pod.namespace}/${top.name} has ${ready.length === 1 ? 'its only ready replica' : `all ${plural(ready.length, 'ready replica')}`} ` +
          `(${names}) on node ${node.name}: while ${node.name} is drained it serves nobody until a replacement is scheduled and Ready`,
        remediation: fix(top.kind, pod.namespace, top.name),
      }];
    });
  });
}

/** From manifests alone: a workload declared with one replica (none of its pods were read). */
function fromManifests(model: ClusterModel): Report[] {
  const withPods = new Set(model.pods.map(workloadKeyOf).filter((k): k is string => !!k));
  return model.workloads.flatMap((w): Report[] => {
    if (!SERVING.has(w.kind) || w.controller || w.replicas !== 1) return [];
    if (withPods.has(`${w.kind}/${w.namespace}/${w.name}`)) return [];
    return [{
      subject: w.subject,
      message: `${w.kind} ${w.namespace}/${w.name} runs a single replica: draining the node it runs on takes it down until the replacement is Ready`,
      remediation: fix(w.kind, w.namespace, w.name),
    }];
  });
}

export default defineRule({
  id: 'single-replica-downtime',
  description: 'A workload has all of its ready replicas on one node: draining that node takes it down.',
  category: 'drain',
  severity: 'warning',
  needs: ['nodes', 'pods', 'workloads'],
  remediation:
    'Run at least two replicas on different nodes (kubectl scale, plus topologySpreadConstraints or pod anti-affinity on ' +
    'kubernetes.io/hostname), so that draining one node leaves a replica serving.',
  check(model) {
    return [...fromPods(model), ...(scanningEveryNode(model) ? fromManifests(model) : [])];
  },
});
