import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { EtcdDataDir, EtcdStaticPod } from '../src/model/types.js';
import { showTime } from '../src/facts/wording.js';

const at = (iso: string) => showTime(new Date(iso));

function wiring(pod: EtcdStaticPod): string {
  const volume = pod.data.volume!;
  return pod.data.hostPath === volume.hostPath
    ? `hostPath.path of the ${volume.name} volume`
    : `hostPath.path ${volume.hostPath} of the ${volume.name} volume, with ${pod.dataDir} below its mountPath ${pod.data.mount!.mountPath}`;
}

function restoredHint(pod: EtcdStaticPod, others: EtcdDataDir[]): string {
  if (others.length === 0) return '';
  const newest = [...others].sort((a, b) => b.memberCreated!.localeCompare(a.memberCreated!));
  const names = newest.map((d) => d.path).join(', ');
  return `; etcd data is in ${names}: point ${pod.data.volume!.name}'s hostPath.path ${others.length === 1 ? 'there' : 'at the restored one'}`;
}

/** hostPath types: https://kubernetes.io/docs/concepts/storage/volumes/#hostpath-volume-types */
function emptyStart(pod: EtcdStaticPod): string {
  const type = pod.data.volume?.hostPathType ?? '';
  if (type === 'Directory') return 'the kubelet refuses to start etcd (hostPath type Directory needs an existing directory)';
  const creator = type === 'DirectoryOrCreate' ? 'the kubelet creates it empty (hostPath type DirectoryOrCreate)' : 'it is created empty when etcd starts';
  return `${creator} and etcd starts a new, empty cluster: every object is gone`;
}

function fix(pod: EtcdStaticPod, dir: string): string {
  return (
    `Set the ${pod.data.volume!.name} volume's hostPath.path in /etc/kubernetes/manifests/etcd.yaml to ${dir} (keep --data-dir and ` +
    'the mountPath as they are); the kubelet restarts etcd on it within a minute. Check with: kubectl get nodes; ' +
    'sudo etcdctl endpoint status -w table (with the certificates under /etc/kubernetes/pki/etcd).'
  );
}

/**
 * Without --name, --initial-cluster and --initial-advertise-peer-urls the
 * restored member is "default" at http://localhost:2380, and no other member
 * can join it (https://etcd.io/docs/v3.5/op-guide/recovery/): take them from etcd.yaml.
 */
function restoreInto(pod: EtcdStaticPod, dir: string): string {
  const member = [
    pod.memberName ? ` --name ${pod.memberName}` : '',
    pod.initialCluster ? ` --initial-cluster ${pod.initialCluster}` : '',
    pod.advertisePeerUrls ? ` --initial-advertise-peer-urls ${pod.advertisePeerUrls}` : '',
  ].join('');
  return `Restore the newest good snapshot into it (the directory must not exist yet): sudo etcdctl snapshot restore SNAPSHOT --data-dir ${dir}${member}`;
}

function notWired(pod: EtcdStaticPod): Report[] {
  const host = pod.hostData;
  if (!host || pod.data.hostPath === null || !pod.data.volume) return [];
  const inUse = host.inUse;
  const hostPath = pod.data.hostPath;
  const newestRestore = host.restored.reduce<EtcdDataDir | null>((a, b) => (!a || b.memberCreated! > a.memberCreated! ? b : a), null);
  const remedy = newestRestore ? fix(pod, newestRestore.path) : restoreInto(pod, hostPath);
  if (!inUse?.exists) {
    return [{
      subject: pod.subject,
      message: `the host directory etcd uses, ${hostPath} (${wiring(pod)}), does not exist on the node: ${emptyStart(pod)}${restoredHint(pod, host.restored)}`,
      remediation: remedy,
    }];
  }
  if (!inUse.database) {
    return [{
      subject: pod.subject,
      message: `the host directory etcd uses, ${hostPath} (${wiring(pod)}), holds no member/snap/db: etcd starts a new, empty cluster in it${restoredHint(pod, host.restored)}`,
      remediation: remedy,
    }];
  }
  const reports: Report[] = [];
  const created = inUse.memberCreated;
  for (const dir of host.restored) {
    if (created === undefined || dir.memberCreated! <= created) continue;
    reports.push({
      subject: pod.subject,
      message:
        `${dir.path} holds etcd data created ${at(dir.memberCreated!)}, after the data etcd uses in ${hostPath} (created ${at(created)}): ` +
        `a restore that was never wired into etcd.yaml, so etcd still serves the old data (${wiring(pod)})`,
      remediation: fix(pod, dir.path),
    });
  }
  return reports;
}

export default defineRule({
  id: 'etcd-restore-not-wired',
  description: 'With --root: the host directory etcd uses holds no database, or a restored /var/lib/etcd-* directory is newer than it.',
  category: 'etcd',
  judges: 'cluster',
  severity: 'error',
  needs: ['controlPlane', 'host'],
  remediation:
    'Point the etcd-data volume\'s hostPath.path in /etc/kubernetes/manifests/etcd.yaml at the restored directory, ' +
    'keeping --data-dir and the mountPath as kubeadm wrote them.',
  skipIf: (model) =>
    model.nodeRoot === null && model.etcd.some((p) => p.origin === 'manifest')
      ? 'the host directory etcd uses can be checked only with --root (a node\'s files)'
      : null,
  check(model) {
    return model.etcd.flatMap(notWired);
  },
});
