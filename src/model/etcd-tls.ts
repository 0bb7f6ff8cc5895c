import type { HostFacts } from '../sources/host/types.js';
import type { RawObject } from '../sources/types.js';
import { argvOf, envValue, flagValue, mountsOf, resolveContainerPath, volumesOf } from './container-paths.js';
import type { TlsFile } from './types.js';
import { etcdContainer, isStaticPod } from './static-pods.js';
import { arrayField, stringField } from './fields.js';
import { subjectOf } from './subject.js';
import { eachObject, type Rejections } from './admit.js';

/** etcd's TLS flags (etcd.io/docs/v3.5/op-guide/configuration) as kubeadm sets them. */
const ETCD_TLS_FLAGS = ['cert-file', 'key-file', 'trusted-ca-file', 'peer-cert-file', 'peer-key-file', 'peer-trusted-ca-file'];
/** The kube-apiserver's client credentials for etcd. */
const APISERVER_ETCD_FLAGS = ['etcd-cafile', 'etcd-certfile', 'etcd-keyfile'];

export function apiserverContainer(raw: RawObject): unknown {
  return arrayField(raw.object, 'spec', 'containers').find((c) => {
    const image = (stringField(c, 'image') ?? '').split('@')[0]!.replace(/:[^/]*$/, '').split('/').pop();
    return image === 'kube-apiserver' || stringField(c, 'name') === 'kube-apiserver' || argvOf(c)[0]?.split('/').pop() === 'kube-apiserver';
  });
}

function filesOf(raw: RawObject, host: HostFacts | undefined): Omit<TlsFile, 'subject'>[] {
  const found: { component: TlsFile['component']; container: unknown; flags: string[] }[] = [];
  const etcd = etcdContainer(raw);
  if (etcd !== undefined) found.push({ component: 'etcd', container: etcd, flags: ETCD_TLS_FLAGS });
  const apiserver = apiserverContainer(raw);
  if (apiserver !== undefined) found.push({ component: 'kube-apiserver', container: apiserver, flags: APISERVER_ETCD_FLAGS });
  return found.flatMap(({ component, container, flags }) => {
    const argv = argvOf(container);
    const mounts = mountsOf(container);
    const volumes = volumesOf(raw.object);
    return flags.flatMap((flag) => {
      const value = flagValue(argv, flag) ?? (component === 'etcd' ? envValue(container, `ETCD_${flag.toUpperCase().replace(/-/g, '_')}`) : undefined);
      if (!value) return [];
      const at = resolveContainerPath(value, mounts, volumes, stringField(container, 'workingDir') ?? '/');
      const onHost = at.hostPath === null ? null : host?.files.find((f) => f.path === at.hostPath) ?? null;
      return [{ component, flag: `--${flag}`, at, onHost }];
    });
  });
}

/** The TLS files the node root's etcd and kube-apiserver static pods name. */
export function readTlsFiles(raws: RawObject[], host: HostFacts | undefined, rejections?: Rejections): TlsFile[] {
  const staticPods = raws.filter((r) => r.origin === 'static-pod-manifest' && isStaticPod(r));
  return eachObject(staticPods, (raw) => filesOf(raw, host).map((f) => ({ ...f, subject: subjectOf(raw) })), rejections);
}
