import type { RawObject } from '../sources/types.js';
import { METADATA, type Shape } from './shapes.js';

/**
 * The kinds a drain prediction reads besides nodes, pods, workloads and PDBs:
 * namespaces (a Terminating one refuses evictions), PersistentVolumes and their
 * claims (a volume's node affinity pins a pod), admission webhooks, APIServices
 * and the Services behind them (a webhook served only from the drained node
 * refuses every create once its pods are gone). Field types as the API gives
 * them (https://kubernetes.io/docs/reference/kubernetes-api/).
 */

const str = 'string' as const;
const STRING_MAP: Shape = { map: 'string' };
const REQUIREMENT: Shape = { fields: { key: str, operator: str, values: { list: str } } };
const NODE_SELECTOR: Shape = { fields: { nodeSelectorTerms: { list: { fields: { matchExpressions: { list: REQUIREMENT }, matchFields: { list: REQUIREMENT } } } } } };
const LABEL_SELECTOR: Shape = { fields: { matchLabels: STRING_MAP, matchExpressions: { list: REQUIREMENT } } };
const SERVICE_REF: Shape = { fields: { namespace: str, name: str } };

const NAMESPACE: Shape = { fields: { metadata: METADATA, status: { fields: { phase: str } } } };

const VOLUME_CLAIM: Shape = { fields: { metadata: METADATA, spec: { fields: { volumeName: str } } } };

const PERSISTENT_VOLUME: Shape = {
  fields: {
    metadata: METADATA,
    spec: { fields: { nodeAffinity: { fields: { required: NODE_SELECTOR } }, claimRef: SERVICE_REF } },
  },
};

const WEBHOOK_CONFIGURATION: Shape = {
  fields: {
    metadata: METADATA,
    webhooks: {
      list: {
        fields: {
          name: str,
          failurePolicy: str,
          clientConfig: { fields: { service: SERVICE_REF, url: str } },
          rules: { list: { fields: { operations: { list: str }, apiGroups: { list: str }, resources: { list: str } } } },
          namespaceSelector: LABEL_SELECTOR,
          objectSelector: LABEL_SELECTOR,
        },
      },
    },
  },
};

const API_SERVICE: Shape = { fields: { metadata: METADATA, spec: { fields: { service: SERVICE_REF } } } };

const SERVICE: Shape = { fields: { metadata: METADATA, spec: { fields: { selector: STRING_MAP } } } };

const group = (raw: RawObject): string => {
  const apiVersion = raw.object.apiVersion ?? 'v1';
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
};

export const isNamespace = (raw: RawObject): boolean => raw.object.kind === 'Namespace' && group(raw) === '';
export const isVolumeClaim = (raw: RawObject): boolean => raw.object.kind === 'PersistentVolumeClaim' && group(raw) === '';
export const isPersistentVolume = (raw: RawObject): boolean => raw.object.kind === 'PersistentVolume' && group(raw) === '';
export const isWebhookConfiguration = (raw: RawObject): boolean =>
  (raw.object.kind === 'ValidatingWebhookConfiguration' || raw.object.kind === 'MutatingWebhookConfiguration') && group(raw) === 'admissionregistration.k8s.io';
export const isApiService = (raw: RawObject): boolean => raw.object.kind === 'APIService' && group(raw) === 'apiregistration.k8s.io';
export const isService = (raw: RawObject): boolean => raw.object.kind === 'Service' && group(raw) === '';

/** The shape of one of these kinds, or null for any other object. */
export function drainInputShape(raw: RawObject): Shape | null {
  if (isNamespace(raw)) return NAMESPACE;
  if (isVolumeClaim(raw)) return VOLUME_CLAIM;
  if (isPersistentVolume(raw)) return PERSISTENT_VOLUME;
  if (isWebhookConfiguration(raw)) return WEBHOOK_CONFIGURATION;
  if (isApiService(raw)) return API_SERVICE;
  if (isService(raw)) return SERVICE;
  return null;
}
