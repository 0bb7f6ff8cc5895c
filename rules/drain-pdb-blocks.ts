import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { ClusterModel, Pod, PodDisruptionBudget } from '../src/model/types.js';
import { isEmptySelector, topControllerOf } from '../src/model/walks.js';
import { controllerOf } from '../src/model/cluster-index.js';
import { podName } from '../src/predict/describe.js';
import { pdbTerms, predictDrain } from '../src/predict/drain.js';
import { drainFlags, drainScope, PERMISSIVE_FLAGS, scanningEveryNode } from '../src/predict/scope.js';

const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

function fix(model: ClusterModel, pdb: PodDisruptionBudget, pod: Pod | null): string {
  const lines: string[] = [];
  const top = pod ? topControllerOf(pod) : undefined;
  if (pod && top && SCALABLE.has(top.kind)) {
    const replicas = controllerOf(model, pod)?.replicas;
    const more = replicas !== undefined ? String(replicas + 1) : 'N+1';
    lines.push(`kubectl scale ${top.kind.toLowerCase()}/${top.name} -n ${pod.namespace} --replicas=${more}   # one spare replica lets the PDB allow an eviction`);
  }
  lines.push(
    `kubectl patch pdb ${pdb.name} -n ${pdb.namespace} --type=merge -p '{"spec":{"minAvailable":null,"maxUnavailable":1}}'   # or allow one pod down`,
  );
  return lines.join('\n');
}

function fromPods(model: ClusterModel): Report[] {
  const flags = drainFlags(model);
  if (flags.disableEviction) return [];
  return drainScope(model).flatMap((node) =>
    predictDrain(model, node.name, PERMISSIVE_FLAGS).fates.flatMap((fate): Report[] => {
      const answer = fate.eviction;
      if (answer?.result !== 'refused' || answer.code !== 429) return [];
      const pdb = answer.pdbs[0]!;
      if (answer.reason === 'stale-budget') {
        // checkAndDecrement answers 429 with Retry-After 10 while status.observedGeneration < metadata.generation:
        // https://github.com/kubernetes/kubernetes/blob/v1.35.4/pkg/registry/core/pod/storage/eviction.go#L423-L428
        return [{
          subject: fate.pod.subject,
          message:
            `evicting pod ${podName(fate.pod)} from node ${node.name} is refused with 429: PodDisruptionBudget ${pdb.namespace}/${pdb.name} ` +
            `is still being processed by the server (status.observedGeneration ${pdb.observedGeneration ?? 'unset'} < metadata.generation ${pdb.generation}); ` +
            `client-go retries it 10 times 10 s apart inside each eviction call, so kubectl drain ${node.name} takes about 100 s per attempt and retries until --timeout (forever by default)`,
          remediation:
            `kubectl get pdb ${pdb.name} -n ${pdb.namespace} -o jsonpath='{.metadata.generation} {.status.observedGeneration}'   # equal once the disruption controller caught up
` +
            'kubectl -n kube-system logs -l component=kube-controller-manager | grep -i disruption   # is the disruption controller running?',
        }];
      }
      return [{
        subject: fate.pod.subject,
        message:
          `evicting pod ${podName(fate.pod)} from node ${node.name} is refused with 429: PodDisruptionBudget ${pdb.namespace}/${pdb.name} ` +
          `allows 0 disruptions${pdbTerms(pdb)}; kubectl drain ${node.name} retries every 5s until --timeout (forever by default)`,
        remediation: fix(model, pdb, fate.pod),
      }];
    }),
  );
}

/** A missing selector, or policy/v1beta1's empty one, selects no pod at all. */
function selectsSomething(pdb: PodDisruptionBudget): boolean {
  if (!pdb.selector) return false;
  return !(isEmptySelector(pdb.selector) && pdb.subject.ref?.apiVersion === 'policy/v1beta1');
}

/** From manifests alone: a PDB whose spec refuses every eviction of the workload it guards. */
function fromSpecs(model: ClusterModel): Report[] {
  // Manifests only: a PDB read from a cluster (it has a status) that selects no pod guards nothing.
  return model.pdbs
    .filter((pdb) => pdb.blocksEveryEviction && (pdb.selectedPods ?? []).length === 0 && pdb.disruptionsAllowed === undefined && selectsSomething(pdb))
    .map((pdb) => ({
      subject: pdb.subject,
      message:
        `PodDisruptionBudget ${pdb.namespace}/${pdb.name} (${pdb.blocksEveryEviction}) allows no eviction of the pods it guards: ` +
        'every kubectl drain of a node running one of them is refused with 429 and retries until --timeout (forever by default)',
      remediation: fix(model, pdb, null),
    }));
}

export default defineRule({
  id: 'drain-pdb-blocks',
  description: 'A PodDisruptionBudget allows no disruption: evictions are refused with 429 and kubectl drain retries until its timeout.',
  category: 'drain',
  judges: 'drain',
  severity: 'error',
  needs: ['nodes', 'pods', 'pdbs'],
  remediation:
    'Give the workload a spare replica (kubectl scale) so the budget allows one eviction, or set maxUnavailable: 1 on the ' +
    'PodDisruptionBudget. A PDB with minAvailable equal to the replicas, maxUnavailable: 0 or 100% blocks every drain.',
  check(model) {
    return [...fromPods(model), ...(scanningEveryNode(model) ? fromSpecs(model) : [])];
  },
});
