import type { AdmissionWebhook, ApiService, ClusterModel, Pod, Service, ServiceRef } from '../model/types.js';
import { labelSelectorMatches, podKey } from '../model/walks.js';

/**
 * Admission webhooks and aggregated APIs served from inside the cluster: the
 * API server calls them through their Service, so they answer only while a
 * ready endpoint of that Service runs
 * (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#service-reference,
 * https://kubernetes.io/docs/concepts/extend-kubernetes/api-extension/apiserver-aggregation/).
 */

interface ServedFrom {
  service: ServiceRef;
  /** The Service's ready endpoints: ready pods its selector matches, in its namespace. */
  endpoints: Pod[];
  /** False when the input does not show the Service (or it has no selector, so its endpoints are not derived from pods). */
  known: boolean;
}

function serviceNamed(model: ClusterModel, ref: ServiceRef): Service | undefined {
  return (model.services ?? []).find((s) => s.namespace === ref.namespace && s.name === ref.name);
}

/** The Service's ready endpoints as the EndpointSlice controller derives them from its selector. */
function servedFrom(model: ClusterModel, ref: ServiceRef): ServedFrom {
  const service = serviceNamed(model, ref);
  if (!service?.selector || Object.keys(service.selector).length === 0) return { service: ref, endpoints: [], known: false };
  const selector = { matchLabels: service.selector };
  const endpoints = model.pods.filter((p) => p.namespace === ref.namespace && p.nodeName && p.ready && !p.deleting && labelSelectorMatches(selector, p.labels));
  return { service: ref, endpoints, known: true };
}

/** Whether a rule of the webhook intercepts creating pods (resources `pods` or `*`, operations CREATE or `*`). */
export function interceptsPodCreation(webhook: AdmissionWebhook): boolean {
  return webhook.rules.some(
    (r) => (r.operations.includes('CREATE') || r.operations.includes('*')) && (r.apiGroups.includes('') || r.apiGroups.includes('*')) && (r.resources.includes('pods') || r.resources.includes('*')),
  );
}

/**
 * Whether the webhook is called for a pod created in this namespace with these labels: its
 * namespaceSelector and objectSelector (an absent or empty selector matches everything).
 */
export function webhookApplies(model: ClusterModel, webhook: AdmissionWebhook, namespace: string, labels: Record<string, string>): boolean {
  const nsLabels = (model.namespaces ?? []).find((n) => n.name === namespace)?.labels ?? { 'kubernetes.io/metadata.name': namespace };
  return (!webhook.namespaceSelector || labelSelectorMatches(webhook.namespaceSelector, nsLabels)) && (!webhook.objectSelector || labelSelectorMatches(webhook.objectSelector, labels));
}

export interface StrandedEndpoint {
  kind: 'webhook' | 'apiservice';
  webhook?: AdmissionWebhook;
  apiService?: ApiService;
  served: ServedFrom;
}

/**
 * Webhooks with failurePolicy Fail and APIServices whose every ready endpoint is among
 * the pods the drain takes off the node.
 */
export function endpointsOnlyOn(model: ClusterModel, leaving: Pod[]): StrandedEndpoint[] {
  const gone = new Set(leaving.map(podKey));
  const stranded = (ref: ServiceRef): ServedFrom | null => {
    const served = servedFrom(model, ref);
    return served.known && served.endpoints.length > 0 && served.endpoints.every((p) => gone.has(podKey(p))) ? served : null;
  };
  const out: StrandedEndpoint[] = [];
  for (const webhook of model.webhooks ?? []) {
    if (webhook.failurePolicy !== 'Fail' || !webhook.service) continue;
    const served = stranded(webhook.service);
    if (served) out.push({ kind: 'webhook', webhook, served });
  }
  for (const apiService of model.apiServices ?? []) {
    if (!apiService.service) continue;
    const served = stranded(apiService.service);
    if (served) out.push({ kind: 'apiservice', apiService, served });
  }
  return out;
}
