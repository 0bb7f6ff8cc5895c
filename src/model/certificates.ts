import { posix } from 'node:path';
import type { CertificateFile, HostFacts, KubeadmPkiEntry, KubeletClient } from '../sources/host/types.js';
import type { RawObject } from '../sources/types.js';
import { readApiserverSans } from './apiserver-sans.js';
import type { Certificate, Certificates, KubeadmCertificateState, KubeletClientState } from './types.js';

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
export function readCertificates(host: HostFacts | undefined, raws: RawObject[] = []): Certificates | null {
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
  return { pkiFound: host.pkiFound, list, kubeadm: host.kubeadm.map(kubeadmState), kubelet: host.kubeletClient ? kubeletState(host.kubeletClient) : null, apiserverSans: readApiserverSans(raws, host) };
}

/**
 * kubeadm's full list, with the default `certificatesDir` /etc/kubernetes/pki
 * (LoadOrDefaultInitConfiguration, cmd/certs.go:369-372). The rules leave out
 * the entries kubeadm drops with `etcd.external` (renewal/manager.go:103-106):
 * rules/shared/kubeadm-certificates.ts.
 */
function kubeadmState(e: KubeadmPkiEntry): KubeadmCertificateState {
  const { key, issuer } = e;
  return {
    name: e.name,
    kind: e.kind,
    ca: e.ca,
    localEtcdOnly: e.localEtcdOnly,
    path: e.path,
    exists: e.exists,
    restart: (e.kind === 'kubeconfig' ? KUBECONFIG_RESTART[e.name] : PKI_NAMES[e.path.slice(PKI.length + 1)]?.restart) ?? [],
    ...(key ? { key: { path: key.path, file: key.file, verdict: key.verdict, ...(key.verdict === 'unreadable' ? { reason: key.reason } : {}) } } : {}),
    ...(issuer ? { issuer } : {}),
    subject: { ref: { kind: 'Certificate', name: e.name }, provenance: { type: 'file', file: e.file, line: 1, column: 1 } },
  };
}

function kubeletState(k: KubeletClient): KubeletClientState {
  const file = k.mode === 'file' && k.state === 'found' && k.file ? k.file : k.kubeconfigFile;
  return {
    mode: k.mode,
    user: k.user ?? null,
    path: k.path ?? null,
    state: k.state ?? null,
    notBefore: k.notBefore ? new Date(k.notBefore) : null,
    notAfter: k.notAfter ? new Date(k.notAfter) : null,
    subject: { ref: { kind: 'Certificate', name: 'kubelet.conf' }, provenance: { type: 'file', file, line: 1, column: 1 } },
  };
}
