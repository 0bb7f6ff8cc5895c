import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { ClusterModel } from '../src/model/types.js';
import { groupBy } from '../src/model/cluster-index.js';
import { pdbSelectsPod } from '../src/model/walks.js';
import { podName } from '../src/predict/describe.js';
import { predictDrain } from '../src/predict/drain.js';
import { drainFlags, drainScope, PERMISSIVE_FLAGS, scanningEveryNode } from '../src/predict/scope.js';

const names = (pdbs: { namespace: string; name: string }[]): string => pdbs.map((p) => `${p.namespace}/${p.name}`).join(', ');

function fix(pdbs: { namespace: string; name: string }[]): string {
  const [, ...extra] = pdbs;
  return [
    '# keep one PodDisruptionBudget per pod: delete the others, or narrow their selectors',
    ...extra.map((p) => `kubectl delete pdb ${p.name} -n ${p.namespace}`),
  ].join('\n');
}

function fromPods(model: ClusterModel): Report[] {
  if (drainFlags(model).disableEviction) return [];
  return drainScope(model).flatMap((node) =>
    predictDrain(model, node.name, PERMISSIVE_FLAGS).fates.flatMap((fate): Report[] => {
      const answer = fate.eviction;
      if (answer?.result !== 'refused' || answer.code !== 500) return [];
      return [{
        subject: fate.pod.subject,
        message:
          `pod ${podName(fate.pod)} on node ${node.name} is selected by ${answer.pdbs.length} PodDisruptionBudgets (${names(answer.pdbs)}): ` +
          `the Eviction API answers 500 "${answer.message}" and kubectl drain ${node.name} fails`,
        remediation: fix(answer.pdbs),
      }];
    }),
  );
}

/** From manifests alone: a workload whose pod template more than one PDB selects. */
function fromTemplates(model: ClusterModel): Report[] {
  // A budget selects pods of its own namespace only: O(workloads × budgets in their namespace).
  const byNamespace = groupBy(model.pdbs, (pdb) => pdb.namespace);
  return model.workloads.flatMap((w): Report[] => {
    if (!w.podLabels || w.kind === 'DaemonSet' || w.controller) return [];
    const pdbs = (byNamespace.get(w.namespace) ?? []).filter((pdb) => pdbSelectsPod(pdb, { namespace: w.namespace, labels: w.podLabels! }));
    if (pdbs.length < 2 || pdbs.some((pdb) => (pdb.selectedPods ?? []).length > 0)) return [];
    return [{
      subject: w.subject,
      message:
        `the pods of ${w.kind} ${w.namespace}/${w.name} are selected by ${pdbs.length} PodDisruptionBudgets (${names(pdbs)}): ` +
        'the Eviction API refuses them with 500 and every kubectl drain of their nodes fails',
      remediation: fix(pdbs),
    }];
  });
}

export default defineRule({
  id: 'drain-multiple-pdbs',
  description: 'A pod is selected by more than one PodDisruptionBudget: the Eviction API cannot evict it (500) and drain fails.',
  category: 'drain',
  judges: 'drain',
  severity: 'error',
  needs: ['nodes', 'pods', 'pdbs'],
  remediation: 'Keep exactly one PodDisruptionBudget per pod: delete the extra ones or make their selectors disjoint.',
  check(model) {
    return [...fromPods(model), ...(scanningEveryNode(model) ? fromTemplates(model) : [])];
  },
});
