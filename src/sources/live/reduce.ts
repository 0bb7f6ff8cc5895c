import type { KubeObject, ObjectMeta } from '../types.js';

/**
 * Objects are cut down to what the model reads as each list page arrives, so
 * that a cluster of 150,000 pods fits in memory. What is kept:
 * - metadata: name, namespace, uid, labels, annotations (all of them:
 *   suppression and kubectl.kubernetes.io/last-applied-configuration, which
 *   records the apiVersion an object was applied with), ownerReferences,
 *   creation/deletion timestamps, generation, finalizers. managedFields and
 *   resourceVersion go.
 * - pods and pod templates: scheduling fields, containers' name, image,
 *   command, args, resources, ports and restartPolicy, each volume's name
 *   and type (with hostPath paths and claim names).
 * - status: scalar fields and conditions' type/status/reason; nodes keep
 *   nodeInfo, capacity, allocatable and addresses; pods keep container
 *   statuses' name, image, ready and restartCount.
 * - what a drain's outcome depends on (src/model/drain-inputs.ts):
 *   PersistentVolumes their node affinity and claimRef (namespace, name),
 *   claims their volumeName, Services their selector, APIServices
 *   spec.service (namespace, name) and their conditions, and each webhook of
 *   a Validating- or MutatingWebhookConfiguration its name, failurePolicy,
 *   clientConfig url or service (namespace, name), rules (operations,
 *   apiGroups, resources) and namespace and object selectors.
 * Anything else (the node's image list, env, probes, PDB disruptedPods, a
 * webhook's caBundle...) goes.
 * A field that is not of its API type (a `metadata` that is a string, a
 * container list that is a mapping) is kept as it is: the model names it.
 */

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The keys of a mapping; anything else as it is. */
function pick(from: unknown, keys: readonly string[]): unknown {
  if (!isRecord(from)) return from;
  const out: Json = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}

/** The keys of a mapping, nothing for a field that is not there; anything else as it is. */
function pickPresent(from: unknown, keys: readonly string[]): unknown {
  return from === undefined ? {} : pick(from, keys);
}

/** Each item of a list reduced; anything else as it is. */
function eachOf(list: unknown, reduce: (item: unknown) => unknown): unknown {
  return Array.isArray(list) ? list.map(reduce) : list;
}

const META_KEYS = [
  'name',
  'namespace',
  'uid',
  'labels',
  'annotations',
  'creationTimestamp',
  'deletionTimestamp',
  'generation',
  'finalizers',
] as const;

const OWNER_KEYS = ['apiVersion', 'kind', 'name', 'uid', 'controller'] as const;

function reduceMetadata(metadata: unknown): ObjectMeta {
  if (metadata === undefined) return {};
  if (!isRecord(metadata)) return metadata as ObjectMeta;
  const out = pick(metadata, META_KEYS) as Json;
  if (metadata.ownerReferences !== undefined) out.ownerReferences = eachOf(metadata.ownerReferences, (o) => pick(o, OWNER_KEYS));
  return out as ObjectMeta;
}

const POD_SPEC_KEYS = [
  'nodeName',
  'nodeSelector',
  'affinity',
  'tolerations',
  'topologySpreadConstraints',
  'priority',
  'priorityClassName',
  'preemptionPolicy',
  'schedulerName',
  'runtimeClassName',
  'overhead',
  'resources',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'restartPolicy',
  'terminationGracePeriodSeconds',
  'serviceAccountName',
] as const;

/**
 * command and args stay: the model recognises components by command[0], and
 * kubeadm writes every control-plane flag (etcd's --data-dir...) into command.
 */
const CONTAINER_KEYS = ['name', 'image', 'command', 'args', 'resources', 'ports', 'restartPolicy'] as const;

/** Volume sources whose fields the model reads; any other source keeps only its type. */
const VOLUME_SOURCE_KEYS: Record<string, readonly string[]> = {
  emptyDir: ['medium', 'sizeLimit'],
  hostPath: ['path', 'type'],
  persistentVolumeClaim: ['claimName', 'readOnly'],
  configMap: ['name'],
  secret: ['secretName'],
};

function reduceVolume(volume: unknown): unknown {
  if (!isRecord(volume)) return volume;
  const out = pick(volume, ['name']) as Json;
  for (const [type, source] of Object.entries(volume)) {
    if (type === 'name') continue;
    const keys = VOLUME_SOURCE_KEYS[type];
    out[type] = keys ? pick(source, keys) : isRecord(source) ? {} : source;
  }
  return out;
}

function reducePodSpec(spec: unknown): unknown {
  if (!isRecord(spec)) return spec;
  const out = pick(spec, POD_SPEC_KEYS) as Json;
  for (const key of ['containers', 'initContainers'] as const) {
    if (spec[key] !== undefined) out[key] = eachOf(spec[key], (c) => pick(c, CONTAINER_KEYS));
  }
  if (spec.volumes !== undefined) out.volumes = eachOf(spec.volumes, reduceVolume);
  return out;
}

function reduceTemplate(template: unknown): unknown {
  if (!isRecord(template)) return template;
  return { metadata: pickPresent(template.metadata, ['name', 'labels', 'annotations']), spec: template.spec === undefined ? {} : reducePodSpec(template.spec) };
}

const CONDITION_KEYS = ['type', 'status', 'reason'] as const;

/** Scalars of a status (replicas, phase, disruptionsAllowed...) and its conditions. */
function reduceStatus(status: unknown, extra: readonly string[] = []): unknown {
  if (!isRecord(status)) return status;
  const out: Json = {};
  for (const [key, value] of Object.entries(status)) {
    if (value === null || typeof value !== 'object') out[key] = value;
  }
  if (status.conditions !== undefined) out.conditions = eachOf(status.conditions, (c) => pick(c, CONDITION_KEYS));
  Object.assign(out, pick(status, extra));
  return out;
}

const CONTAINER_STATUS_KEYS = ['name', 'image', 'ready', 'restartCount', 'started'] as const;

function reducePodStatus(status: unknown): unknown {
  if (!isRecord(status)) return status;
  const out = reduceStatus(status) as Json;
  for (const key of ['containerStatuses', 'initContainerStatuses'] as const) {
    if (status[key] !== undefined) out[key] = eachOf(status[key], (s) => pick(s, CONTAINER_STATUS_KEYS));
  }
  return out;
}

function withoutUndefined(object: Json): KubeObject {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object as KubeObject;
}

function reduceWorkloadSpec(kind: string, spec: unknown): unknown {
  if (!isRecord(spec)) return spec;
  const out: Json = { ...spec };
  if (kind === 'CronJob') {
    const job = spec.jobTemplate;
    if (!isRecord(job)) return out;
    const jobSpec = isRecord(job.spec) ? { ...job.spec, template: reduceTemplate(job.spec.template) } : job.spec;
    out.jobTemplate = { metadata: pickPresent(job.metadata, ['labels', 'annotations']), spec: jobSpec ?? {} };
    return out;
  }
  if ('template' in spec) out.template = reduceTemplate(spec.template);
  if (spec.volumeClaimTemplates !== undefined) {
    out.volumeClaimTemplates = eachOf(spec.volumeClaimTemplates, (t) => (isRecord(t) ? { metadata: pickPresent(t.metadata, ['name']) } : t));
  }
  return out;
}

const SERVICE_REF_KEYS = ['namespace', 'name'] as const;

function reduceClientConfig(config: unknown): unknown {
  if (!isRecord(config)) return config;
  const out = pick(config, ['url']) as Json;
  if (config.service !== undefined) out.service = pick(config.service, SERVICE_REF_KEYS);
  return out;
}

const WEBHOOK_KEYS = ['name', 'failurePolicy', 'namespaceSelector', 'objectSelector'] as const;
const WEBHOOK_RULE_KEYS = ['operations', 'apiGroups', 'resources'] as const;

function reduceWebhook(webhook: unknown): unknown {
  if (!isRecord(webhook)) return webhook;
  const out = pick(webhook, WEBHOOK_KEYS) as Json;
  if (webhook.clientConfig !== undefined) out.clientConfig = reduceClientConfig(webhook.clientConfig);
  if (webhook.rules !== undefined) out.rules = eachOf(webhook.rules, (r) => pick(r, WEBHOOK_RULE_KEYS));
  return out;
}

function reducePersistentVolumeSpec(spec: unknown): unknown {
  if (!isRecord(spec)) return spec;
  const out = pick(spec, ['nodeAffinity']) as Json;
  if (spec.claimRef !== undefined) out.claimRef = pick(spec.claimRef, SERVICE_REF_KEYS);
  return out;
}

function reduceApiServiceSpec(spec: unknown): unknown {
  if (!isRecord(spec)) return spec;
  return spec.service === undefined ? {} : { service: pick(spec.service, SERVICE_REF_KEYS) };
}

const WORKLOAD_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController']);

/** The object as the model needs it; `apiVersion` and `kind` are set from the list when items lack them. */
export function reduceObject(object: Json, apiVersion: string, kind: string): KubeObject {
  const base: Json = {
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : apiVersion,
    kind: typeof object.kind === 'string' ? object.kind : kind,
    metadata: reduceMetadata(object.metadata),
  };
  switch (base.kind) {
    case 'Pod':
      return withoutUndefined({ ...base, spec: reducePodSpec(object.spec), status: reducePodStatus(object.status) });
    case 'Node':
      return withoutUndefined({
        ...base,
        spec: object.spec,
        status: reduceStatus(object.status, ['nodeInfo', 'capacity', 'allocatable', 'addresses']),
      });
    case 'PodDisruptionBudget':
    case 'Namespace':
      return withoutUndefined({ ...base, spec: object.spec, status: reduceStatus(object.status) });
    case 'ConfigMap':
      return withoutUndefined({ ...base, data: object.data });
    case 'PersistentVolume':
      return withoutUndefined({ ...base, spec: reducePersistentVolumeSpec(object.spec) });
    case 'PersistentVolumeClaim':
      return withoutUndefined({ ...base, spec: pick(object.spec, ['volumeName']) });
    case 'Service':
      return withoutUndefined({ ...base, spec: pick(object.spec, ['selector']) });
    case 'ValidatingWebhookConfiguration':
    case 'MutatingWebhookConfiguration':
      return withoutUndefined({ ...base, webhooks: eachOf(object.webhooks, reduceWebhook) });
    case 'APIService':
      return withoutUndefined({ ...base, spec: reduceApiServiceSpec(object.spec), status: reduceStatus(object.status) });
    default:
      if (WORKLOAD_KINDS.has(String(base.kind))) {
        return withoutUndefined({ ...base, spec: reduceWorkloadSpec(String(base.kind), object.spec), status: reduceStatus(object.status) });
      }
      return withoutUndefined({ ...object, ...base });
  }
}
