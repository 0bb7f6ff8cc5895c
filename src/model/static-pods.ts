import type { RawObject } from '../sources/types.js';
import { argvOf } from './container-paths.js';
import { arrayField, stringField } from './fields.js';
import { isPod } from './kinds.js';

/** Static pods are mirrored into the API with this annotation (https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/). */
export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** A static pod's container that runs etcd: by image, container name or command. */
export function etcdContainer(raw: RawObject): unknown {
  return arrayField(raw.object, 'spec', 'containers').find((c) => {
    const image = stringField(c, 'image') ?? '';
    const imageName = (image.split('@')[0] ?? '').replace(/:[^/]*$/, '').split('/').pop();
    const command = argvOf(c)[0]?.split('/').pop();
    return imageName === 'etcd' || stringField(c, 'name') === 'etcd' || command === 'etcd';
  });
}

/**
 * A static pod: read from the node's manifest folder, mirrored into the API
 * (annotation kubernetes.io/config.mirror), or a manifest file of a pod no
 * controller owns in kube-system, as kubeadm writes etcd.yaml. An etcd run by a
 * StatefulSet (with a PersistentVolumeClaim) is none of these.
 */
export function isStaticPod(raw: RawObject): boolean {
  const o = raw.object;
  if (!isPod(raw)) return false;
  if (raw.origin === 'static-pod-manifest' || MIRROR_ANNOTATION in (o.metadata?.annotations ?? {})) return true;
  const namespace = o.metadata?.namespace;
  return raw.provenance.type === 'file' && (o.metadata?.ownerReferences ?? []).length === 0 && (namespace === undefined || namespace === 'kube-system');
}
