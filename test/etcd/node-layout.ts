import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { etcdctl } from '../snapshot/etcd-harness.js';

/** The control-plane node the manifests describe. */
const NODE = { name: 'controlplane', ip: '10.0.0.10' };
const PEER_URL = `https://${NODE.ip}:2380`;

/** How etcd.yaml wires etcd's data dir to the node (kubeadm phases/etcd/local.go writes the same path three times). */
export interface EtcdWiring {
  /** `--data-dir`; null leaves the flag out. */
  dataDir: string | null;
  mountPath: string;
  hostPath: string;
  readOnly?: boolean;
  /** The etcd-data volume as an emptyDir instead of a hostPath. */
  emptyDir?: boolean;
}

/** kubeadm's wiring, the documented restore, and the mistakes a restore leaves behind. */
export const WIRINGS = {
  kubeadmDefault: { dataDir: '/var/lib/etcd', mountPath: '/var/lib/etcd', hostPath: '/var/lib/etcd' },
  documentedRestore: { dataDir: '/var/lib/etcd', mountPath: '/var/lib/etcd', hostPath: '/var/lib/etcd-from-backup' },
  onlyDataDirChanged: { dataDir: '/var/lib/etcd-from-backup', mountPath: '/var/lib/etcd', hostPath: '/var/lib/etcd' },
  mountChangedNotFlag: { dataDir: '/var/lib/etcd', mountPath: '/var/lib/etcd-from-backup', hostPath: '/var/lib/etcd-from-backup' },
  readOnlyMount: { dataDir: '/var/lib/etcd', mountPath: '/var/lib/etcd', hostPath: '/var/lib/etcd', readOnly: true },
  dataDirBelowMount: { dataDir: '/var/lib/etcd/data', mountPath: '/var/lib/etcd', hostPath: '/var/lib/etcd-from-backup' },
  emptyDirVolume: { dataDir: '/var/lib/etcd', mountPath: '/var/lib/etcd', hostPath: '/var/lib/etcd', emptyDir: true },
  noDataDirFlag: { dataDir: null, mountPath: '/var/lib/etcd', hostPath: '/var/lib/etcd' },
} satisfies Record<string, EtcdWiring>;

/** etcd.yaml as kubeadm 1.31 writes it, with the data dir wired as asked. */
export function etcdManifest(w: EtcdWiring, comment = ''): string {
  const dataVolume = w.emptyDir
    ? '  - emptyDir: {}\n    name: etcd-data'
    : `  - hostPath:\n      path: ${w.hostPath}\n      type: DirectoryOrCreate\n    name: etcd-data`;
  return `${comment ? `# ${comment}\n` : ''}apiVersion: v1
kind: Pod
metadata:
  annotations:
    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://${NODE.ip}:2379
  labels:
    component: etcd
    tier: control-plane
  name: etcd
  namespace: kube-system
spec:
  containers:
  - command:
    - etcd
    - --advertise-client-urls=https://${NODE.ip}:2379
    - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    - --client-cert-auth=true
${w.dataDir !== null ? `    - --data-dir=${w.dataDir}\n` : ''}    - --initial-advertise-peer-urls=${PEER_URL}
    - --initial-cluster=${NODE.name}=${PEER_URL}
    - --key-file=/etc/kubernetes/pki/etcd/server.key
    - --listen-client-urls=https://127.0.0.1:2379,https://${NODE.ip}:2379
    - --listen-metrics-urls=http://127.0.0.1:2381
    - --listen-peer-urls=${PEER_URL}
    - --name=${NODE.name}
    - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
    - --peer-client-cert-auth=true
    - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
    - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    - --snapshot-count=10000
    - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    image: registry.k8s.io/etcd:3.5.15-0
    imagePullPolicy: IfNotPresent
    name: etcd
    resources:
      requests:
        cpu: 100m
        memory: 100Mi
    volumeMounts:
    - mountPath: ${w.mountPath}
      name: etcd-data${w.readOnly ? '\n      readOnly: true' : ''}
    - mountPath: /etc/kubernetes/pki/etcd
      name: etcd-certs
  hostNetwork: true
  priorityClassName: system-node-critical
  volumes:
  - hostPath:
      path: /etc/kubernetes/pki/etcd
      type: DirectoryOrCreate
    name: etcd-certs
${dataVolume}
status: {}
`;
}

/** kube-apiserver.yaml's etcd client flags and the pki mount, as kubeadm writes them. */
function apiserverManifest(version = 'v1.31.4'): string {
  return `apiVersion: v1
kind: Pod
metadata:
  labels:
    component: kube-apiserver
    tier: control-plane
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-apiserver
    - --advertise-address=${NODE.ip}
    - --client-ca-file=/etc/kubernetes/pki/ca.crt
    - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
    - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
    - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
    - --etcd-servers=https://127.0.0.1:2379
    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
    image: registry.k8s.io/kube-apiserver:${version}
    name: kube-apiserver
    volumeMounts:
    - mountPath: /etc/ssl/certs
      name: ca-certs
      readOnly: true
    - mountPath: /etc/kubernetes/pki
      name: k8s-certs
      readOnly: true
  hostNetwork: true
  priorityClassName: system-node-critical
  volumes:
  - hostPath:
      path: /etc/ssl/certs
      type: DirectoryOrCreate
    name: ca-certs
  - hostPath:
      path: /etc/kubernetes/pki
      type: DirectoryOrCreate
    name: k8s-certs
status: {}
`;
}

export function writeFile(root: string, path: string, text: string | Buffer): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** /etc/kubernetes/manifests with etcd.yaml wired as asked and kube-apiserver.yaml. */
export function writeManifests(root: string, wiring: EtcdWiring, comment = ''): void {
  writeFile(root, 'etc/kubernetes/manifests/etcd.yaml', etcdManifest(wiring, comment));
  writeFile(root, 'etc/kubernetes/manifests/kube-apiserver.yaml', apiserverManifest());
}

/**
 * `etcdctl snapshot restore SNAPSHOT --data-dir DIR`; `asMember` restores it
 * as this node's member (--name, --initial-cluster, --initial-advertise-peer-urls
 * from etcd.yaml), as the etcd docs ask; without it the member is "default" at
 * http://localhost:2380.
 */
export async function restore(snapshot: string, dataDir: string, asMember: boolean): Promise<void> {
  const member = asMember
    ? ['--name', NODE.name, '--initial-cluster', `${NODE.name}=${PEER_URL}`, '--initial-advertise-peer-urls', PEER_URL]
    : [];
  mkdirSync(dirname(dataDir), { recursive: true });
  const r = await etcdctl(['snapshot', 'restore', snapshot, '--data-dir', dataDir, ...member]);
  if (r.code !== 0) throw new Error(`etcdctl snapshot restore ${snapshot} failed: ${r.stderr}`);
}
