import type { KubeObject } from '../sources/types.js';
import type { ControllerRef } from './types.js';

/**
 * The ownerReference with `controller: true` (metav1.GetControllerOf): the one
 * object that manages this one. Other owner references do not make a pod managed
 * for `kubectl drain` (https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/).
 */
export function controllerRefOf(object: KubeObject): ControllerRef | undefined {
  const ref = (object.metadata?.ownerReferences ?? []).find((o) => o && o.controller === true);
  if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return undefined;
  return {
    kind: ref.kind,
    name: ref.name,
    ...(typeof ref.uid === 'string' ? { uid: ref.uid } : {}),
    ...(typeof ref.apiVersion === 'string' ? { apiVersion: ref.apiVersion } : {}),
  };
}

/** `Kind/namespace/name`, the key controllers are looked up by. */
export function controllerKey(namespace: string, ref: { kind: string; name: string }): string {
  return `${ref.kind}/${namespace}/${ref.name}`;
}
