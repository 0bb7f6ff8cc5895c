import { defineRule } from '../src/engine/define-rule.js';
import { isFinished } from '../src/model/walks.js';
import { controllerPresence, podsOnNode } from '../src/model/cluster-index.js';
import { isDaemonSetPod, KUBECTL } from '../src/predict/drain-filters.js';
import { podName } from '../src/predict/describe.js';
import { drainFlags, drainScope } from '../src/predict/scope.js';

export default defineRule({
  id: 'drain-daemonset-pod',
  description: 'A DaemonSet pod makes kubectl drain stop unless --ignore-daemonsets is given (--force when its DaemonSet is gone).',
  category: 'drain',
  judges: 'drain',
  severity: 'info',
  needs: ['nodes', 'pods'],
  remediation:
    'Drain with --ignore-daemonsets: DaemonSet pods stay on the node (the DaemonSet controller ignores the cordon) and ' +
    'restart with it. A pod whose DaemonSet was deleted needs --force, and is then deleted for good.',
  check(model) {
    const flags = drainFlags(model);
    return drainScope(model).flatMap((node) =>
      podsOnNode(model, node.name).flatMap((pod) => {
        if (!isDaemonSetPod(pod) || isFinished(pod)) return [];
        const daemonSet = pod.controller!.name;
        if (controllerPresence(model, pod) === 'missing') {
          return [{
            subject: pod.subject,
            message:
              `pod ${podName(pod)} on node ${node.name} belongs to DaemonSet ${daemonSet}, which no longer exists: ` +
              `kubectl drain ${node.name} fails with 'daemonsets.apps "${daemonSet}" not found' unless --force is given, ` +
              'and --force deletes the pod for good',
            remediation: `kubectl drain ${node.name} --ignore-daemonsets --force   # deletes ${podName(pod)}; nothing recreates it`,
          }];
        }
        if (flags.ignoreDaemonsets) return [];
        return [{
          subject: pod.subject,
          message:
            `pod ${podName(pod)} on node ${node.name} is managed by DaemonSet ${daemonSet}: kubectl drain ${node.name} ` +
            `stops with "${KUBECTL.daemonSetFatal}"; with --ignore-daemonsets the pod stays on the node`,
          remediation: `kubectl drain ${node.name} --ignore-daemonsets`,
        }];
      }),
    );
  },
});
