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
 * Anything else (the node's image list, env, probes, PDB disruptedPods...) goes.
 */

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function pick(from: unknown, keys: readonly string[]): Json {
  const out: Json = {};
  if (!isRecord(from)) return out;
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
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

export function reduceMetadata(metadata: unknown): ObjectMeta {
  const out = pick(metadata, META_KEYS);
  const owners = isRecord(metadata) ? metadata.ownerReferences : undefined;
  if (Array.isArray(owners)) out.ownerReferences = owners.map((o) => pick(o, OWNER_KEYS));
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

function reduceVolume(volume: unknown): Json {
  const out: Json = pick(volume, ['name']);
  if (!isRecord(volume)) return out;
  for (const [type, source] of Object.entries(volume)) {
    if (type === 'name') continue;
    const keys = VOLUME_SOURCE_KEYS[type];
    out[type] = keys ? pick(source, keys) : {};
  }
  return out;
}

function reduceContainers(containers: unknown): Json[] | undefined {
  return Array.isArray(containers) ? containers.map((c) => pick(c, CONTAINER_KEYS)) : undefined;
}

export function reducePodSpec(spec: unknown): Json {
  const out = pick(spec, POD_SPEC_KEYS);
  if (!isRecord(spec)) return out;
  const containers = reduceContainers(spec.containers);
  if (containers) out.containers = containers;
  const init = reduceContainers(spec.initContainers);
  if (init) out.initContainers = init;
  if (Array.isArray(spec.volumes)) out.volumes = spec.volumes.map(reduceVolume);
  return out;
}

function reduceTemplate(template: unknown): Json {
  if (!isRecord(template)) return {};
  return { metadata: pick(template.metadata, ['name', 'labels', 'annotations']), spec: reducePodSpec(template.spec) };
}

const CONDITION_KEYS = ['type', 'status', 'reason'] as const;

/** Scalars of a status (replicas, phase, disruptionsAllowed...) and its conditions. */
function reduceStatus(status: unknown, extra: readonly string[] = []): Json | undefined {
  if (!isRecord(status)) return undefined;
  const out: Json = {};
  for (const [key, value] of Object.entries(status)) {
    if (value === null || typeof value !== 'object') out[key] = value;
  }
  if (Array.isArray(status.conditions)) out.conditions = status.conditions.map((c) => pick(c, CONDITION_KEYS));
  Object.assign(out, pick(status, extra));
  return out;
}

const CONTAINER_STATUS_KEYS = ['name', 'image', 'ready', 'restartCount', 'started'] as const;

function reducePodStatus(status: unknown): Json | undefined {
  const out = reduceStatus(status);
  if (!out || !isRecord(status)) return out;
  for (const key of ['containerStatuses', 'initContainerStatuses'] as const) {
    const list = status[key];
    if (Array.isArray(list)) out[key] = list.map((s) => pick(s, CONTAINER_STATUS_KEYS));
  }
  return out;
}

function withoutUndefined(object: Json): KubeObject {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object as KubeObject;
}

function reduceWorkloadSpec(kind: string, spec: unknown): Json | undefined {
  if (!isRecord(spec)) return undefined;
  const out: Json = { ...spec };
  if (kind === 'CronJob') {
    const job = isRecord(spec.jobTemplate) ? spec.jobTemplate : {};
    const jobSpec = isRecord(job.spec) ? job.spec : {};
    out.jobTemplate = {
      metadata: pick(job.metadata, ['labels', 'annotations']),
      spec: { ...jobSpec, template: reduceTemplate(jobSpec.template) },
    };
    return out;
  }
  if ('template' in spec) out.template = reduceTemplate(spec.template);
  if (Array.isArray(spec.volumeClaimTemplates)) {
    out.volumeClaimTemplates = spec.volumeClaimTemplates.map((t) => ({ metadata: pick(isRecord(t) ? t.metadata : undefined, ['name']) }));
  }
  return out;
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
    default:
      if (WORKLOAD_KINDS.has(String(base.kind))) {
        return withoutUndefined({ ...base, spec: reduceWorkloadSpec(String(base.kind), object.spec), status: reduceStatus(object.status) });
      }
      return withoutUndefined({ ...object, ...base });
  }
}
