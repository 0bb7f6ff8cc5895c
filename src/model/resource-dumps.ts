import { basename } from 'node:path';
import type { ResourceDumpReport } from '../sources/snapshot/types.js';
import { timeInName } from './snapshot-time.js';
import type { ResourceDump } from './types.js';

/**
 * The kinds `kubectl get all` lists: the resources whose REST storage names
 * the "all" category (k8s.io/kubernetes v1.35.4 pkg/registry:
 * core/pod/storage/storage.go:149, core/service/storage/storage.go:163,
 * core/replicationcontroller/storage/storage.go:125,
 * apps/daemonset/storage/storage.go:79, apps/deployment/storage/storage.go:131,
 * apps/replicaset/storage/storage.go:127, apps/statefulset/storage/storage.go:115,
 * autoscaling/horizontalpodautoscaler/storage/storage.go:79,
 * batch/cronjob/storage/storage.go:72, batch/job/storage/storage.go:97).
 * A CRD may add itself to the category too (spec.names.categories), which
 * a dump of such objects shows as a kind outside this list.
 */
const GET_ALL_KINDS: readonly string[] = [
  'Pod',
  'Service',
  'ReplicationController',
  'apps/DaemonSet',
  'apps/Deployment',
  'apps/ReplicaSet',
  'apps/StatefulSet',
  'autoscaling/HorizontalPodAutoscaler',
  'batch/CronJob',
  'batch/Job',
];

/**
 * What a restore of workloads needs besides them, and `kubectl get all`
 * never lists: their configuration, credentials, volumes, identities,
 * permissions, routes and policies, and the definitions of custom resources.
 */
export const RESTORE_NEEDS: readonly string[] = [
  'Namespace',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'ServiceAccount',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
  'networking.k8s.io/Ingress',
  'networking.k8s.io/NetworkPolicy',
  'apiextensions.k8s.io/CustomResourceDefinition',
];

export function readResourceDump(report: ResourceDumpReport): ResourceDump {
  const named = timeInName(basename(report.file).replace(/\.(ya?ml|json)$/i, ''));
  const mtime = new Date(report.fileMtime);
  const notBefore = report.newestObjectTime ? new Date(report.newestObjectTime) : null;
  let takenAt = named ?? mtime;
  let takenAtFrom: ResourceDump['takenAtFrom'] = named ? 'file name' : 'file time';
  // An object in the dump was written after the time the name or file gives: the dump was taken after it.
  if (notBefore && notBefore > takenAt) {
    takenAt = notBefore;
    takenAtFrom = report.newestObjectTimeFrom === 'managedFields' ? 'newest managedFields time' : 'newest creationTimestamp';
  }
  const kinds = Object.keys(report.counts);
  return {
    file: report.file,
    takenAt,
    takenAtFrom,
    notBefore,
    objects: report.objects,
    counts: report.counts,
    secrets: Object.values(report.counts['Secret'] ?? {}).reduce((a, b) => a + b, 0),
    getAllOnly: kinds.length > 0 && kinds.every((k) => GET_ALL_KINDS.includes(k)),
    // A dump is a file, but its objects are not what findings about it point at: the file is.
    subject: { ref: { kind: 'ResourceDump', name: basename(report.file) }, provenance: { type: 'file', file: report.file, line: 1, column: 1 } },
  };
}

/** `apps/Deployment` as operators say it: `Deployment`; `networking.k8s.io/Ingress`: `Ingress`. */
export function kindName(key: string): string {
  return key.includes('/') ? key.slice(key.lastIndexOf('/') + 1) : key;
}
