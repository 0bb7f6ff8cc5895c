import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { ClusterModel } from '../src/model/types.js';
import { workloadKeyOf } from '../src/model/walks.js';
import { SERVING_KINDS, workloadsOnlyOn } from '../src/predict/availability.js';
import { plural } from '../src/predict/describe.js';
import { drainScope, scanningEveryNode } from '../src/predict/scope.js';

function fix(kind: string, namespace: string, name: string): string {
  return [
    `kubectl scale ${kind.toLowerCase()}/${name} -n ${namespace} --replicas=2`,
    '# and spread the replicas over nodes (topologySpreadConstraints with topologyKey: kubernetes.io/hostname), so a drain takes one at a time',
  ].join('\n');
}

function fromPods(model: ClusterModel): Report[] {
  return drainScope(model).flatMap((node) =>
    workloadsOnlyOn(model, node.name).map((s) => ({
      subject: s.workload?.subject ?? s.ready[0]!.subject,
      message:
        `${s.top.kind} ${s.namespace}/${s.top.name} has ${s.ready.length === 1 ? 'its only ready replica' : `all ${plural(s.ready.length, 'ready replica')}`} ` +
        `(${s.ready.map((p) => p.name).join(', ')}) on node ${node.name}: while ${node.name} is drained it serves nobody until a replacement is scheduled and Ready`,
      remediation: fix(s.top.kind, s.namespace, s.top.name),
    })),
  );
}

/** From manifests alone: a workload declared with one replica (none of its pods were read). */
function fromManifests(model: ClusterModel): Report[] {
  const withPods = new Set(model.pods.map(workloadKeyOf).filter((k): k is string => !!k));
  return model.workloads.flatMap((w): Report[] => {
    if (!SERVING_KINDS.has(w.kind) || w.controller || w.replicas !== 1) return [];
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
  judges: 'drain',
  severity: 'warning',
  needs: ['nodes', 'pods', 'workloads'],
  remediation:
    'Run at least two replicas on different nodes (kubectl scale, plus topologySpreadConstraints or pod anti-affinity on ' +
    'kubernetes.io/hostname), so that draining one node leaves a replica serving.',
  check(model) {
    return [...fromPods(model), ...(scanningEveryNode(model) ? fromManifests(model) : [])];
  },
});
