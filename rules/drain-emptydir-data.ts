import { defineRule } from '../src/engine/define-rule.js';
import { podsOnNode } from '../src/model/cluster-index.js';
import { drainFilter, KUBECTL } from '../src/predict/drain-filters.js';
import { podName } from '../src/predict/describe.js';
import { drainFlags, drainScope, PERMISSIVE_FLAGS } from '../src/predict/scope.js';

export default defineRule({
  id: 'drain-emptydir-data',
  description: 'A pod keeps data in an emptyDir volume: drain needs --delete-emptydir-data, and the data is deleted.',
  category: 'drain',
  judges: 'drain',
  severity: 'warning',
  needs: ['nodes', 'pods'],
  remediation:
    'If the data matters, move it to a PersistentVolumeClaim before the drain; otherwise drain with ' +
    '--delete-emptydir-data, knowing the emptyDir contents are deleted with the pod.',
  check(model) {
    const flags = drainFlags(model);
    return drainScope(model).flatMap((node) =>
      podsOnNode(model, node.name)
        .filter((pod) => drainFilter(model, pod, PERMISSIVE_FLAGS).notes.some((n) => n.filter === 'localStorage'))
        .map((pod) => {
          const volumes = pod.volumes.filter((v) => v.type === 'emptyDir').map((v) => v.name).join(', ');
          return {
            subject: pod.subject,
            message: flags.deleteEmptydirData
              ? `pod ${podName(pod)} on node ${node.name} has emptyDir volume(s) ${volumes}: the drain deletes their data (${KUBECTL.localStorageWarning})`
              : `pod ${podName(pod)} on node ${node.name} has emptyDir volume(s) ${volumes}: kubectl drain ${node.name} stops with ` +
                `"${KUBECTL.localStorageFatal}", and with that flag the data is deleted`,
            remediation: `kubectl drain ${node.name} --ignore-daemonsets --delete-emptydir-data   # deletes the emptyDir data of ${podName(pod)}`,
          };
        }),
    );
  },
});
