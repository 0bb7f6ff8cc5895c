import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { EtcdStaticPod } from '../src/model/types.js';

/** https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#restoring-an-etcd-cluster */
const DOCUMENTED_RESTORE =
  'The documented restore keeps --data-dir and the etcd-data mountPath as kubeadm wrote them and changes only the etcd-data ' +
  'volume\'s hostPath.path to the restored directory (kcheck explain etcd-data-dir-mismatch).';

function dataDirText(pod: EtcdStaticPod): string {
  if (pod.dataDirFrom === 'flag') return `--data-dir=${pod.dataDir}`;
  if (pod.dataDirFrom === 'env') return `ETCD_DATA_DIR=${pod.dataDir}`;
  return `etcd's default data dir ${pod.data.path} (no --data-dir, so "${pod.dataDir}" in its working directory)`;
}

function where(pod: EtcdStaticPod): string {
  return pod.node ? ` on node ${pod.node}` : '';
}

/** What is wrong with how the etcd pod's data dir reaches the node, or null when it is sound. */
function mismatch(pod: EtcdStaticPod): Omit<Report, 'subject'> | null {
  const { data, etcdDataMount } = pod;
  const dir = dataDirText(pod);
  if (!data.mount) {
    const mounted = etcdDataMount ? ` (the etcd-data volume is mounted at ${etcdDataMount.mountPath})` : ' (there is no etcd-data volume mount)';
    return {
      message:
        `${dir} is not under any volume mount of the etcd container${mounted}: etcd${where(pod)} keeps its data inside the ` +
        'container, starts a new, empty cluster there and loses it whenever the container is recreated; it uses no host directory',
      remediation: etcdDataMount
        ? `Set --data-dir=${etcdDataMount.mountPath} again, or move the etcd-data mountPath to the data dir. ${DOCUMENTED_RESTORE}`
        : `Add the etcd-data volume (hostPath /var/lib/etcd, type DirectoryOrCreate) and mount it at the data dir. ${DOCUMENTED_RESTORE}`,
    };
  }
  const mount = data.mount;
  if (!data.volume) {
    return {
      message: `the volume mount ${mount.name} that holds ${dir} names no volume in spec.volumes: the kubelet rejects the pod and etcd${where(pod)} does not start`,
      remediation: `Declare the ${mount.name} volume (hostPath to the etcd data directory, type DirectoryOrCreate) in spec.volumes.`,
    };
  }
  if (data.volume.kind !== 'hostPath') {
    const kind = data.volume.kind === 'emptyDir' ? 'an emptyDir' : 'not a hostPath volume';
    return {
      message:
        `the volume ${data.volume.name} that holds ${dir} is ${kind}: etcd${where(pod)} keeps its data only as long as the pod, ` +
        'and a recreated etcd pod starts a new, empty cluster; it uses no host directory',
      remediation: `Make ${data.volume.name} a hostPath volume (path /var/lib/etcd or the restored directory, type DirectoryOrCreate). ${DOCUMENTED_RESTORE}`,
    };
  }
  if (mount.readOnly) {
    return {
      message:
        `the volume mount ${mount.name} that holds ${dir} is readOnly: etcd${where(pod)} cannot open its database in the host ` +
        `directory ${data.hostPath} for writing and exits at start`,
      remediation: `Remove readOnly: true from the ${mount.name} volume mount.`,
    };
  }
  return null;
}

export default defineRule({
  id: 'etcd-data-dir-mismatch',
  description: 'etcd.yaml\'s --data-dir is on no volume mount, or the etcd-data mount is read-only or not on a host path.',
  category: 'etcd',
  judges: 'cluster',
  severity: 'error',
  needs: ['controlPlane', 'etcd'],
  remediation: DOCUMENTED_RESTORE,
  check(model) {
    return model.etcd.flatMap((pod) => {
      const problem = mismatch(pod);
      return problem ? [{ subject: pod.subject, ...problem }] : [];
    });
  },
});
