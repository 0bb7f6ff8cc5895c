import { defineRule } from '../src/engine/define-rule.js';
import { formatRequests, podName } from '../src/predict/describe.js';
import { predictDrain } from '../src/predict/drain.js';
import { drainScope, PERMISSIVE_FLAGS } from '../src/predict/scope.js';

export default defineRule({
  id: 'drain-no-capacity',
  description: 'Pods evicted from a drained node fit on no other node: they stay Pending.',
  category: 'drain',
  judges: 'drain',
  severity: 'error',
  needs: ['nodes', 'pods'],
  remediation:
    'Make room before the drain: add a node, scale down something less important, or fix what keeps the other nodes ' +
    'out (kubectl uncordon a node left cordoned, a taint the pod does not tolerate, a nodeSelector or affinity only this node matches).',
  check(model) {
    return drainScope(model).flatMap((node) =>
      predictDrain(model, node.name, PERMISSIVE_FLAGS).unplaced.map((u) => ({
        subject: u.pod.subject,
        message:
          `if node ${node.name} is drained, pod ${podName(u.pod)} (${formatRequests(u.pod.requests)}) fits on no other node and stays Pending: ` +
          `${u.message} (${u.nodes.map((n) => `${n.node}: ${n.reason}`).join('; ')})`,
      })),
    );
  },
});
