import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { EtcdStaticPod } from '../src/model/etcd.js';
import type { EtcdDataDir } from '../src/sources/host/types.js';
import { showTime } from './policy/duration.js';

/** Where `etcdctl snapshot restore` puts a member restored without --name and --initial-advertise-peer-urls
 * (etcdutl's defaults: https://etcd.io/docs/v3.5/op-guide/recovery/). */
const RESTORE_DEFAULT_PEER = 'http://localhost:2380';

const at = (iso: string) => showTime(new Date(iso));

function wiring(pod: EtcdStaticPod): string {
  const volume = pod.data.volume!;
  return `the ${volume.name} volume's hostPath.path ${volume.hostPath}${pod.data.hostPath !== volume.hostPath ? ` + ${pod.dataDir} under its mount` : ''}`;
}

function restoredHint(pod: EtcdStaticPod, restored: EtcdDataDir[]): string {
  if (restored.length === 0) return '';
  const names = restored.map((d) => d.path).join(', ');
  return `; ${names} ${restored.length === 1 ? 'holds' : 'hold'} restored data: point ${pod.data.volume!.name}'s hostPath.path there`;
}

function emptyStart(pod: EtcdStaticPod): string {
  return pod.data.volume?.hostPathType === 'Directory'
    ? 'the kubelet refuses to start etcd (hostPath type Directory needs an existing directory)'
    : 'the kubelet creates it empty (hostPath type DirectoryOrCreate) and etcd starts a new, empty cluster: every object is gone';
}

function fix(pod: EtcdStaticPod, dir: string): string {
  return (
    `Set the ${pod.data.volume!.name} volume's hostPath.path in /etc/kubernetes/manifests/etcd.yaml to ${dir} (keep --data-dir and ` +
    'the mountPath as they are); the kubelet restarts etcd on it within a minute. Check with: kubectl get nodes; ' +
    'etcdctl endpoint status -w table.'
  );
}

function notWired(pod: EtcdStaticPod): Report[] {
  const host = pod.hostData;
  if (!host || pod.data.hostPath === null || !pod.data.volume) return [];
  const inUse = host.inUse;
  const hostPath = pod.data.hostPath;
  const newestRestore = host.restored.reduce<EtcdDataDir | null>((a, b) => (!a || b.memberCreated! > a.memberCreated! ? b : a), null);
  const remedy = newestRestore ? fix(pod, newestRestore.path) : `Restore the newest snapshot into ${hostPath}: etcdctl snapshot restore SNAPSHOT --data-dir ${hostPath}`;
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
  const members = inUse.inspected?.etcd?.members ?? [];
  const advertised = pod.advertisePeerUrls;
  for (const m of members) {
    if (!m.peerURLs.includes(RESTORE_DEFAULT_PEER) || !advertised || advertised.split(',').includes(RESTORE_DEFAULT_PEER)) continue;
    reports.push({
      subject: pod.subject,
      severity: 'warning',
      message:
        `the data in ${hostPath} was restored without --name/--initial-cluster/--initial-advertise-peer-urls: its member ` +
        `${m.name ?? m.id} has peer URL ${RESTORE_DEFAULT_PEER} while etcd.yaml advertises ${advertised}; ` +
        'a single member runs, but no other control-plane node can join this etcd',
      remediation:
        `etcdctl member update ${m.id} --peer-urls=${advertised} (on a kubeadm node: --endpoints https://127.0.0.1:2379 ` +
        '--cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key); ' +
        'next time restore with --name, --initial-cluster and --initial-advertise-peer-urls taken from etcd.yaml.',
    });
  }
  return reports;
}

export default defineRule({
  id: 'etcd-restore-not-wired',
  description: 'With --root: the host directory etcd uses holds no database, or a restored /var/lib/etcd-* directory is newer than it.',
  category: 'etcd',
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
