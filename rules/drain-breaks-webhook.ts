import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { ClusterModel, Pod } from '../src/model/types.js';
import { topControllerOf } from '../src/model/walks.js';
import { podName } from '../src/predict/describe.js';
import { predictDrain } from '../src/predict/drain.js';
import { drainFlags, drainScope, PERMISSIVE_FLAGS, scanningEveryNode } from '../src/predict/scope.js';
import { endpointsOnlyOn, interceptsPodCreation, webhookApplies, type StrandedEndpoint } from '../src/predict/webhooks.js';

/** The pods the drain of the node takes away: evicted or deleted, not refused. */
function leavingPods(model: ClusterModel, node: string): Pod[] {
  const flags = scanningEveryNode(model) ? PERMISSIVE_FLAGS : drainFlags(model);
  const drain = predictDrain(model, node, flags);
  if (drain.fates.some((f) => f.end === 'refused')) return [];
  return drain.fates
    .filter((f) => (f.action === 'evict' || f.action === 'delete' || f.action === 'delete-forever') && f.eviction?.result !== 'refused')
    .map((f) => f.pod);
}

function fix(s: StrandedEndpoint): string {
  const pod = s.served.endpoints[0]!;
  const top = topControllerOf(pod);
  const scale = top && top.kind !== 'DaemonSet'
    ? `kubectl scale ${top.kind.toLowerCase()}/${top.name} -n ${pod.namespace} --replicas=2   # and spread them: topologySpreadConstraints or podAntiAffinity on kubernetes.io/hostname`
    : `# run more than one replica of ${podName(pod)}, on different nodes`;
  return [
    scale,
    `kubectl create poddisruptionbudget ${s.served.service.name} -n ${s.served.service.namespace} --selector=${Object.entries(pod.labels).map(([k, v]) => `${k}=${v}`).join(',')} --min-available=1   # drain then evicts one at a time`,
  ].join('\n');
}

function message(model: ClusterModel, node: string, s: StrandedEndpoint): string {
  const svc = `Service ${s.served.service.namespace}/${s.served.service.name}`;
  const pods = s.served.endpoints.map(podName).join(', ');
  const where = `${svc}, whose only ready endpoint${s.served.endpoints.length === 1 ? ' is' : 's are'} ${pods} on node ${node}`;
  if (s.kind === 'apiservice') {
    return (
      `APIService ${s.apiService!.name} is served by ${where}: once kubectl drain ${node} evicts ${s.served.endpoints.length === 1 ? 'it' : 'them'}, ` +
      `every request to ${s.apiService!.name} fails with 503 until a replacement is Ready, and API discovery, namespace deletion and garbage collection stall`
    );
  }
  const w = s.webhook!;
  const replacement = s.served.endpoints[0]!;
  const deadlock = interceptsPodCreation(w) && webhookApplies(model, w, replacement.namespace, replacement.labels)
    ? ` The webhook also intercepts pod creation in ${replacement.namespace}: the replacement of its own pod is refused too, so it stays down until someone changes the webhook.`
    : '';
  return (
    `${w.kind} ${w.configuration} webhook ${w.name} (failurePolicy: Fail) is served by ${where}: once kubectl drain ${node} evicts ` +
    `${s.served.endpoints.length === 1 ? 'it' : 'them'}, every request the webhook matches fails ("failed calling webhook"), including the replacements of the pods the drain evicts.` +
    deadlock
  );
}

export default defineRule({
  id: 'drain-breaks-webhook',
  description: 'An admission webhook (failurePolicy: Fail) or an APIService is served only from the node being drained: once its pods are evicted, matching requests fail.',
  category: 'drain',
  judges: 'drain',
  severity: 'error',
  needs: ['nodes', 'pods', 'webhooks'],
  remediation:
    'Run the webhook or API server with more than one replica, spread over nodes (topologySpreadConstraints or pod ' +
    'anti-affinity on kubernetes.io/hostname), with a PodDisruptionBudget (minAvailable: 1) so drain evicts one at a time.',
  check(model) {
    return drainScope(model).flatMap((node) =>
      endpointsOnlyOn(model, leavingPods(model, node.name)).map((s): Report => ({
        subject: s.webhook?.subject ?? s.apiService!.subject,
        message: message(model, node.name, s),
        remediation: fix(s),
      })),
    );
  },
});
