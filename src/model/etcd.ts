import type { HostFacts } from '../sources/host/types.js';
import type { RawObject } from '../sources/types.js';
import { MIRROR_ANNOTATION, etcdContainer, isStaticPod } from './static-pods.js';
import { argvOf, envValue, flagValue, mountsOf, resolveContainerPath, volumesOf } from './container-paths.js';
import type { EtcdHostData, EtcdPodOrigin, EtcdStaticPod } from './types.js';
import { stringField } from './fields.js';
import { subjectOf } from './subject.js';
import { eachObject, type Rejections } from './admit.js';

/** kubeadm's name for the volume and mount holding etcd's data (phases/etcd/local.go). */
const ETCD_DATA_VOLUME = 'etcd-data';

function originOf(raw: RawObject): EtcdPodOrigin {
  if (raw.origin === 'static-pod-manifest') return 'node-root';
  return MIRROR_ANNOTATION in (raw.object.metadata?.annotations ?? {}) || raw.provenance.type === 'live' ? 'mirror-pod' : 'manifest';
}

function wiringOf(raw: RawObject): Omit<EtcdStaticPod, 'hostData'> | null {
  const container = etcdContainer(raw);
  if (container === undefined) return null;
  const argv = argvOf(container);
  // Without a command line the flags are the image's own: nothing to judge (abbreviated dumps look like this too).
  if (argv.length === 0) return null;
  // etcd reads every flag from ETCD_<FLAG> too; a flag on the command line wins.
  const setting = (flag: string) => flagValue(argv, flag) ?? envValue(container, `ETCD_${flag.toUpperCase().replace(/-/g, '_')}`);
  const memberName = setting('name') ?? null;
  const fromFlag = flagValue(argv, 'data-dir');
  const fromEnv = fromFlag === undefined ? envValue(container, 'ETCD_DATA_DIR') : undefined;
  // Without --data-dir etcd writes to "<name>.etcd" in its working directory (etcd embed.NewConfig).
  const dataDir = fromFlag ?? fromEnv ?? `${memberName ?? 'default'}.etcd`;
  const mounts = mountsOf(container);
  const node = stringField(raw.object, 'spec', 'nodeName');
  return {
    subject: subjectOf(raw),
    origin: originOf(raw),
    ...(node ? { node } : {}),
    dataDir,
    dataDirFrom: fromFlag !== undefined ? 'flag' : fromEnv !== undefined ? 'env' : 'default',
    data: resolveContainerPath(dataDir, mounts, volumesOf(raw.object), stringField(container, 'workingDir') ?? '/'),
    etcdDataMount: mounts.find((m) => m.name === ETCD_DATA_VOLUME) ?? null,
    memberName,
    initialCluster: setting('initial-cluster') ?? null,
    advertisePeerUrls: setting('initial-advertise-peer-urls') ?? null,
  };
}

function hostDataOf(pod: Omit<EtcdStaticPod, 'hostData'>, host: HostFacts): EtcdHostData {
  const inUse = pod.data.hostPath === null ? null : host.etcdDataDirs.find((d) => d.path === pod.data.hostPath) ?? null;
  return { inUse, restored: host.etcdDataDirs.filter((d) => d !== inUse && d.memberCreated !== undefined) };
}

/** Every etcd static pod read, with how its data dir is wired, and what `--root` shows of it. */
export function readEtcdPods(raws: RawObject[], host: HostFacts | undefined, rejections?: Rejections): EtcdStaticPod[] {
  return eachObject(raws.filter(isStaticPod), (raw): EtcdStaticPod[] => {
    const pod = wiringOf(raw);
    if (!pod) return [];
    return [{ ...pod, hostData: pod.origin === 'node-root' && host ? hostDataOf(pod, host) : null }];
  }, rejections);
}

/** The etcd data directories the node root's static pods point at, for the host source to look at. */
export function readEtcdDataDirs(raws: RawObject[], rejections?: Rejections): string[] {
  const staticPods = raws.filter((r) => r.origin === 'static-pod-manifest' && isStaticPod(r));
  return eachObject(staticPods, (raw) => {
    const pod = wiringOf(raw);
    return pod?.data.hostPath ? [pod.data.hostPath] : [];
  }, rejections);
}
