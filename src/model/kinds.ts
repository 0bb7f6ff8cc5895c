import type { RawObject } from '../sources/types.js';

/**
 * Which objects the model reads as what. The shapes the model checks
 * (shapes.ts) and the readers pick objects with the same tests.
 */

/** Core API objects (`apiVersion: v1`); hand-built inputs may leave apiVersion out. */
function isCore(raw: RawObject): boolean {
  return raw.object.apiVersion === undefined || raw.object.apiVersion === 'v1';
}

export function isNode(raw: RawObject): boolean {
  return raw.object.kind === 'Node' && isCore(raw);
}

/** Any Pod: from the API, a manifest file or a node's static pod folder. */
export function isPod(raw: RawObject): boolean {
  return raw.object.kind === 'Pod' && isCore(raw);
}

/** The built-in workload kinds (the model's Workload['kind']). */
const WORKLOAD_KINDS: readonly string[] = [
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicationController',
];

/** API groups the built-in workload kinds are served from, old beta groups included (a CRD may reuse a kind name). */
const WORKLOAD_GROUPS = /^(apps|extensions|batch)\/|^v1$/;

export function isWorkload(raw: RawObject): boolean {
  const { kind, apiVersion } = raw.object;
  return (
    raw.origin !== 'static-pod-manifest' &&
    WORKLOAD_KINDS.includes(kind ?? '') &&
    (apiVersion === undefined || WORKLOAD_GROUPS.test(apiVersion))
  );
}

/** PodDisruptionBudgets of policy/v1 and policy/v1beta1. */
export function isPdb(raw: RawObject): boolean {
  return raw.object.kind === 'PodDisruptionBudget' && (raw.object.apiVersion ?? 'policy/v1').startsWith('policy/');
}

/** kubeadm's ClusterConfiguration, standalone. */
export function isClusterConfiguration(raw: RawObject): boolean {
  return raw.object.kind === 'ClusterConfiguration' && (raw.object.apiVersion?.startsWith('kubeadm.k8s.io/') ?? false);
}

/** The kube-system/kubeadm-config ConfigMap, which holds the ClusterConfiguration as YAML text. */
export function isKubeadmConfigMap(raw: RawObject): boolean {
  const o = raw.object;
  return o.kind === 'ConfigMap' && isCore(raw) && o.metadata?.name === 'kubeadm-config' && o.metadata?.namespace === 'kube-system';
}
