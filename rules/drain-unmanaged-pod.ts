import { defineRule } from '../src/engine/define-rule.js';
import type { Pod } from '../src/model/types.js';
import { podsOnNode } from '../src/model/cluster-index.js';
import { drainFilter, KUBECTL } from '../src/predict/drain-filters.js';
import { podName } from '../src/predict/describe.js';
import { drainFlags, drainScope, PERMISSIVE_FLAGS } from '../src/predict/scope.js';

function fix(pod: Pod, node: string): string {
  const single = pod.images.length === 1 ? pod.images[0] : undefined;
  return [
    `kubectl cordon ${node}   # safe now: ${pod.name} keeps running and no new pods land on ${node}`,
    `# before draining ${node}, run the pod under a controller so it is recreated elsewhere:`,
    single
      ? `kubectl create deployment ${pod.name} -n ${pod.namespace} --image=${single}`
      : `kubectl get pod ${pod.name} -n ${pod.namespace} -o yaml > ${pod.name}.yaml   # copy its spec into a Deployment's template, then kubectl apply -f it`,
    `kubectl delete pod ${pod.name} -n ${pod.namespace}`,
    `kubectl drain ${node} --ignore-daemonsets`,
  ].join('\n');
}

export default defineRule({
  id: 'drain-unmanaged-pod',
  description: 'A running pod has no controller: kubectl drain refuses it, and --force deletes it for good.',
  category: 'drain',
  judges: 'drain',
  severity: 'error',
  needs: ['nodes', 'pods'],
  remediation:
    'Cordon the node instead of draining it (kubectl cordon NODE) while the pod matters, and run the pod under a ' +
    'Deployment (or StatefulSet) so that a drain recreates it on another node.',
  check(model) {
    const flags = drainFlags(model);
    return drainScope(model).flatMap((node) =>
      podsOnNode(model, node.name)
        .filter((pod) => drainFilter(model, pod, PERMISSIVE_FLAGS).notes.some((n) => n.filter === 'unreplicated'))
        .map((pod) => ({
          subject: pod.subject,
          message: flags.force
            ? `pod ${podName(pod)} on node ${node.name} declares no controller: drain --force deletes it and nothing recreates it (${KUBECTL.unmanagedWarning})`
            : `pod ${podName(pod)} on node ${node.name} declares no controller: kubectl drain ${node.name} refuses ` +
              `("${KUBECTL.unmanagedFatal}"), and --force would delete it for good`,
          remediation: fix(pod, node.name),
        })),
    );
  },
});
