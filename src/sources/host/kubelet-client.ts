import { posix } from 'node:path';
import { HOST_FILE_MAX_BYTES } from '../open-file.js';
import { isMissing, type NodeRoot, orGap, rootReason } from '../root/node-root.js';
import type { ScanGap } from '../types.js';
import { currentUser } from './kubeadm-checks.js';
import { x509Blocks } from './pem.js';
import type { KubeletClient } from './types.js';

/** kubeadm's kubelet kubeconfig (constants.go:161) and where the kubelet keeps its rotated client certificate. */
const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';

/**
 * How kubelet.conf gives the kubelet its client certificate: a file
 * (`client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem`,
 * the link the kubelet moves to each certificate it rotates in) or embedded
 * `client-certificate-data`, which rotation never replaces
 * (https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/#kubelet-client-cert).
 * Null when the node has no kubelet.conf.
 */
export async function readKubeletClient(root: NodeRoot, gaps: ScanGap[]): Promise<KubeletClient | null> {
  const text = await orGap(root, KUBELET_CONF, gaps, ['certificates'], async () => (await root.readFile(KUBELET_CONF, { limit: HOST_FILE_MAX_BYTES, what: 'a kubeconfig' })).toString('utf8'));
  if (text === null) return null;
  const base = { kubeconfig: KUBELET_CONF, kubeconfigFile: root.display(KUBELET_CONF) };
  // A kubelet.conf that is not valid YAML is named by the certificate reader (certificates.ts) as a problem.
  const user = currentUser(text);
  if (!user) return { ...base, mode: 'unreadable' };
  if (user.certificateFile) {
    // client-go resolves a relative path against the kubeconfig's folder (tools/clientcmd/loader.go, ResolveLocalPaths).
    const path = posix.resolve(posix.dirname(KUBELET_CONF), user.certificateFile);
    const at = { ...base, mode: 'file' as const, user: user.name, path, file: root.display(path) };
    let pem: string;
    try {
      pem = (await root.readFile(path, { limit: HOST_FILE_MAX_BYTES, what: 'a certificate file' })).toString('utf8');
    } catch (err) {
      if (isMissing(err)) return { ...at, state: 'missing' };
      gaps.push({ what: root.display(path), reason: `cannot read: ${rootReason(err)}`, affects: ['certificates'] });
      return { ...at, state: 'unreadable' };
    }
    const certificate = x509Blocks(pem)[0];
    if (!certificate) return { ...at, state: 'no-certificate' };
    return { ...at, state: 'found', notBefore: new Date(certificate.validFrom).toISOString(), notAfter: new Date(certificate.validTo).toISOString() };
  }
  if (user.certificate) {
    const certificate = x509Blocks(user.certificate)[0];
    return {
      ...base,
      mode: 'embedded',
      user: user.name,
      ...(certificate ? { notBefore: new Date(certificate.validFrom).toISOString(), notAfter: new Date(certificate.validTo).toISOString() } : {}),
    };
  }
  return { ...base, mode: 'none', user: user.name };
}
