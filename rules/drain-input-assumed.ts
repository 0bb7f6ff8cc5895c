import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import { clusterSubject } from '../src/model/subject.js';
import { podsOnNode } from '../src/model/cluster-index.js';
import { inputAssumptions } from '../src/predict/drain.js';
import { DUMP_COMMAND } from '../src/predict/dump-command.js';
import { drainScope } from '../src/predict/scope.js';

export default defineRule({
  id: 'drain-input-assumed',
  description: 'The input lacks a kind the drain prediction reads (PodDisruptionBudgets, Namespaces, PersistentVolumes, webhooks): the prediction says what it assumed.',
  category: 'drain',
  judges: 'drain',
  severity: 'info',
  needs: ['nodes', 'pods'],
  remediation: `Dump everything the prediction reads: ${DUMP_COMMAND}`,
  check(model) {
    // A drain that `kcheck drain` predicts names every gap; a scan names the volumes it could not follow, which change where a pod can go.
    const drainRun = model.drain?.listedKinds !== undefined;
    const pods = drainScope(model).flatMap((n) => podsOnNode(model, n.name));
    const seen = new Set<string>();
    return inputAssumptions(model, pods).flatMap((a): Report[] => {
      if (!drainRun && a.kind !== 'PersistentVolume') return [];
      if (seen.has(a.text)) return [];
      seen.add(a.text);
      return [{ subject: a.pod?.subject ?? clusterSubject, message: a.text }];
    });
  },
});
