import type { ClusterModel, ComponentName, ComponentVersion } from './types.js';
import type { Version } from './version.js';
import { knownComponentsNamed, knownComponentsOn } from './cluster-index.js';
import { compareVersions } from './version.js';

export type KnownComponentVersion = ComponentVersion & { version: Version };

export function componentsNamed(model: ClusterModel, name: ComponentName): readonly KnownComponentVersion[] {
  return knownComponentsNamed(model, name) as readonly KnownComponentVersion[];
}

/** The components of that name on the node whose version is known. */
export function componentsOn(model: ClusterModel, name: ComponentName, nodeName: string): readonly KnownComponentVersion[] {
  return knownComponentsOn(model, name, nodeName) as readonly KnownComponentVersion[];
}

/**
 * The kube-apiserver instances the skew policy is measured against. Running
 * instances (static pod images) are best; the version the server reports is
 * next; kubeadm's declared kubernetesVersion is the last resort.
 */
function apiserverInstances(model: ClusterModel): KnownComponentVersion[] {
  const all = componentsNamed(model, 'kube-apiserver');
  for (const sources of [['static-pod-image', 'pod-image'], ['server-version'], ['kubeadm-config']]) {
    const found = all.filter((c) => sources.includes(c.source));
    if (found.length > 0) return found;
  }
  return [];
}

export interface ApiserverRange {
  /** "Never newer than" is measured against the oldest apiserver. */
  oldest: KnownComponentVersion;
  /** "At most N older than" is measured against the newest apiserver. */
  newest: KnownComponentVersion;
  instances: KnownComponentVersion[];
}

export function apiserverRange(model: ClusterModel): ApiserverRange | null {
  const instances = apiserverInstances(model);
  if (instances.length === 0) return null;
  const sorted = [...instances].sort((a, b) => compareVersions(a.version, b.version));
  return { oldest: sorted[0]!, newest: sorted.at(-1)!, instances };
}
