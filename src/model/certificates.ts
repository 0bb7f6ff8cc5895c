import { posix } from 'node:path';
import type { CertificateFile, HostFacts } from '../sources/host/types.js';
import type { Certificate, Certificates } from './types.js';

interface Known {
  name: string;
  restart: string[];
}

/**
 * kubeadm's certificate names (cmd/kubeadm/app/phases/certs/certlist.go and
 * `kubeadm certs check-expiration`), by path under /etc/kubernetes/pki.
 */
const PKI_NAMES: Record<string, Known> = {
  'ca.crt': { name: 'ca', restart: [] },
  'apiserver.crt': { name: 'apiserver', restart: ['kube-apiserver'] },
  'apiserver-kubelet-client.crt': { name: 'apiserver-kubelet-client', restart: ['kube-apiserver'] },
  'apiserver-etcd-client.crt': { name: 'apiserver-etcd-client', restart: ['kube-apiserver'] },
  'front-proxy-ca.crt': { name: 'front-proxy-ca', restart: [] },
  'front-proxy-client.crt': { name: 'front-proxy-client', restart: ['kube-apiserver'] },
  'etcd/ca.crt': { name: 'etcd-ca', restart: [] },
  'etcd/server.crt': { name: 'etcd-server', restart: ['etcd'] },
  'etcd/peer.crt': { name: 'etcd-peer', restart: ['etcd'] },
  // etcd's liveness probe uses plain HTTP on 127.0.0.1:2381 since kubeadm 1.16; nothing reads this one at start.
  'etcd/healthcheck-client.crt': { name: 'etcd-healthcheck-client', restart: [] },
};

/** The kubeconfigs kubeadm writes with an embedded client certificate, named as check-expiration names them. */
const KUBECONFIG_RESTART: Record<string, string[]> = {
  'admin.conf': [],
  'super-admin.conf': [],
  'controller-manager.conf': ['kube-controller-manager'],
  'scheduler.conf': ['kube-scheduler'],
};

const PKI = '/etc/kubernetes/pki';

function known(c: CertificateFile): Known & { renewable: boolean } {
  const file = posix.basename(c.path);
  if (c.embedded?.field === 'client-certificate-data') {
    const restart = KUBECONFIG_RESTART[file];
    return restart ? { name: file, restart, renewable: true } : { name: `${file} (user ${c.embedded.entry})`, restart: [], renewable: false };
  }
  if (c.embedded) return { name: `${file} (certificate-authority-data of cluster ${c.embedded.entry})`, restart: [], renewable: false };
  const entry = c.index === 0 && c.path.startsWith(`${PKI}/`) ? PKI_NAMES[c.path.slice(PKI.length + 1)] : undefined;
  if (entry) return { ...entry, renewable: !c.isCA };
  return { name: c.index === 0 ? c.path : `${c.path} (certificate ${c.index + 1})`, restart: [], renewable: false };
}

/**
 * Certificates under `--root`'s /etc/kubernetes, once each: a CA that a
 * kubeconfig embeds (certificate-authority-data) is the pki folder's ca.crt and
 * is not listed twice; a different one (left over from a CA rotation) is.
 */
export function readCertificates(host: HostFacts | undefined): Certificates | null {
  if (!host) return null;
  const seen = new Set<string>();
  const list: Certificate[] = [];
  for (const c of host.certificates) {
    if (c.embedded?.field === 'certificate-authority-data' && seen.has(c.fingerprint256)) continue;
    seen.add(c.fingerprint256);
    const { name, restart, renewable } = known(c);
    list.push({
      name,
      renewable,
      authority: c.isCA,
      path: c.path,
      notBefore: new Date(c.notBefore),
      notAfter: new Date(c.notAfter),
      subjectName: c.subject,
      issuer: c.issuer,
      restart,
      subject: { ref: { kind: 'Certificate', name }, provenance: { type: 'file', file: c.file, line: c.line, column: 1 } },
    });
  }
  return { pkiFound: host.pkiFound, list };
}
