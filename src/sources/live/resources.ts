import type { ModelPart } from '../types.js';

/** A resource kcheck lists across all namespaces (or the cluster, for cluster-scoped ones). */
export interface ListedResource {
  /** Plural resource name, as RBAC rules name it. */
  resource: string;
  /** API group, '' for the core group. */
  group: string;
  version: string;
  /** Kind of the items; list items come without apiVersion and kind. */
  kind: string;
  /** Parts of the model left incomplete when this list cannot be read. */
  affects: ModelPart[];
  /** Nodes, Namespaces, PersistentVolumes, webhook configurations and APIServices belong to no namespace. */
  clusterScoped?: true;
}

/**
 * Everything kcheck lists; deploy/rbac.yaml grants exactly `list` on these
 * (and `get` on the one ConfigMap below). Mirror pods of the control plane
 * come with the pods, so a pod gap also leaves the control plane partial.
 * The last six are what a drain's outcome depends on besides pods and their
 * owners (src/model/drain-inputs.ts): a volume's node affinity pins the pod
 * that mounts it, and a webhook or APIService served only from the drained
 * node fails once its pods are evicted. No model part stands for them yet, so
 * a gap in one of them leaves no rule skipped, but it is named and the scan
 * is incomplete (exit 2) all the same.
 */
export const LISTED_RESOURCES: readonly ListedResource[] = [
  { resource: 'nodes', group: '', version: 'v1', kind: 'Node', affects: ['nodes'], clusterScoped: true },
  { resource: 'pods', group: '', version: 'v1', kind: 'Pod', affects: ['pods', 'controlPlane'] },
  { resource: 'namespaces', group: '', version: 'v1', kind: 'Namespace', affects: [], clusterScoped: true },
  { resource: 'replicationcontrollers', group: '', version: 'v1', kind: 'ReplicationController', affects: ['workloads'] },
  { resource: 'deployments', group: 'apps', version: 'v1', kind: 'Deployment', affects: ['workloads'] },
  { resource: 'replicasets', group: 'apps', version: 'v1', kind: 'ReplicaSet', affects: ['workloads'] },
  { resource: 'statefulsets', group: 'apps', version: 'v1', kind: 'StatefulSet', affects: ['workloads'] },
  { resource: 'daemonsets', group: 'apps', version: 'v1', kind: 'DaemonSet', affects: ['workloads'] },
  { resource: 'jobs', group: 'batch', version: 'v1', kind: 'Job', affects: ['workloads'] },
  { resource: 'cronjobs', group: 'batch', version: 'v1', kind: 'CronJob', affects: ['workloads'] },
  { resource: 'poddisruptionbudgets', group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', affects: ['pdbs'] },
  { resource: 'persistentvolumes', group: '', version: 'v1', kind: 'PersistentVolume', affects: ['volumes'], clusterScoped: true },
  { resource: 'persistentvolumeclaims', group: '', version: 'v1', kind: 'PersistentVolumeClaim', affects: ['volumes'] },
  { resource: 'services', group: '', version: 'v1', kind: 'Service', affects: ['webhooks'] },
  {
    resource: 'validatingwebhookconfigurations',
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'ValidatingWebhookConfiguration',
    affects: ['webhooks'],
    clusterScoped: true,
  },
  {
    resource: 'mutatingwebhookconfigurations',
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kind: 'MutatingWebhookConfiguration',
    affects: ['webhooks'],
    clusterScoped: true,
  },
  { resource: 'apiservices', group: 'apiregistration.k8s.io', version: 'v1', kind: 'APIService', affects: ['webhooks'], clusterScoped: true },
];

/**
 * Velero's resources (velero.io/v1, github.com/vmware-tanzu/velero
 * pkg/apis/velero/v1), listed when Velero's CRDs are installed: a 404 means
 * Velero is not, which is not a gap. deploy/rbac.yaml grants `list` on them
 * too; Velero keeps its cloud credentials in Secrets, never read.
 */
export const VELERO_RESOURCES: readonly ListedResource[] = [
  { resource: 'backups', group: 'velero.io', version: 'v1', kind: 'Backup', affects: [] },
  { resource: 'schedules', group: 'velero.io', version: 'v1', kind: 'Schedule', affects: [] },
  { resource: 'backupstoragelocations', group: 'velero.io', version: 'v1', kind: 'BackupStorageLocation', affects: [] },
  { resource: 'volumesnapshotlocations', group: 'velero.io', version: 'v1', kind: 'VolumeSnapshotLocation', affects: [] },
  { resource: 'restores', group: 'velero.io', version: 'v1', kind: 'Restore', affects: [] },
];

/**
 * kubeadm keeps its ClusterConfiguration (kubernetesVersion, etcd image and
 * data dir) in this ConfigMap: https://kubernetes.io/docs/reference/setup-tools/kubeadm/kubeadm-init/#config-file
 * It is read with `get` on that one name, never by listing ConfigMaps.
 */
export const KUBEADM_CONFIG = { namespace: 'kube-system', name: 'kubeadm-config' } as const;

export function apiVersionOf(r: ListedResource): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function listPath(r: ListedResource): string {
  return r.group ? `/apis/${r.group}/${r.version}/${r.resource}` : `/api/${r.version}/${r.resource}`;
}

/** How the permission is named in gap reasons: `list on pods (core)`. */
export function permission(verb: 'get' | 'list', r: { resource: string; group: string }): string {
  return `${verb} on ${r.resource} (${r.group || 'core'})`;
}

/**
 * What a request path reads, for messages: `pods in all namespaces`,
 * `deployments.apps in all namespaces` (kubectl's resource.group), `nodes`,
 * `ConfigMap kube-system/kubeadm-config`.
 */
export function describePath(path: string): string {
  const bare = path.split('?')[0] ?? path;
  const listed = [...LISTED_RESOURCES, ...VELERO_RESOURCES].find((r) => listPath(r) === bare);
  if (listed) {
    const name = listed.group ? `${listed.resource}.${listed.group}` : listed.resource;
    return listed.clusterScoped ? name : `${name} in all namespaces`;
  }
  if (bare === `/api/v1/namespaces/${KUBEADM_CONFIG.namespace}/configmaps/${KUBEADM_CONFIG.name}`) {
    return `ConfigMap ${KUBEADM_CONFIG.namespace}/${KUBEADM_CONFIG.name}`;
  }
  return `GET ${bare}`;
}
