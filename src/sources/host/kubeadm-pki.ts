/**
 * The certificates and kubeconfigs `kubeadm certs check-expiration` lists,
 * with kubeadm's own names, as kubeadm v1.35.4 builds the list
 * (k8s.io/kubernetes cmd/kubeadm/app/phases/certs/renewal/manager.go:103-184):
 *
 * - the certificate tree of certsphase.GetDefaultCertList()
 *   (phases/certs/certlist.go:249-264), or of GetCertsWithoutEtcd()
 *   (certlist.go:267-276) when the ClusterConfiguration has `etcd.external`:
 *   then neither the etcd certificates nor apiserver-etcd-client are listed;
 * - each CA of that tree (manager.go:134-140);
 * - admin.conf, super-admin.conf, controller-manager.conf and scheduler.conf,
 *   all signed by `ca` (manager.go:144-184). kubelet.conf is left out on
 *   purpose: "management of this certificate is delegated to kubelet"
 *   (manager.go:164).
 *
 * A PKI entry is `<certificatesDir>/<baseName>.crt` with its key at
 * `<baseName>.key` (util/pkiutil: PathsForCertAndKey); base names from
 * constants/constants.go:56-142, kubeconfig names from constants.go:151-165.
 */
export interface KubeadmCertificate {
  /** The name check-expiration prints and `kubeadm certs renew` takes. */
  name: string;
  /** For a PKI entry: the base name under the certificates dir (`etcd/server`); for a kubeconfig: its file name under /etc/kubernetes. */
  file: string;
  kind: 'pki' | 'kubeconfig';
  /** The CA that signs it (check-expiration's CERTIFICATE AUTHORITY column); null for a CA. */
  ca: 'ca' | 'etcd-ca' | 'front-proxy-ca' | null;
  /** Listed only when etcd is local (GetDefaultCertList), not with `etcd.external`. */
  localEtcdOnly: boolean;
}

const pki = (name: string, file: string, ca: KubeadmCertificate['ca'], localEtcdOnly = false): KubeadmCertificate => ({ name, file, kind: 'pki', ca, localEtcdOnly });
const kubeconfig = (file: string): KubeadmCertificate => ({ name: file, file, kind: 'kubeconfig', ca: 'ca', localEtcdOnly: false });

/** In check-expiration's order: certificates sorted by name (manager.go:196), then CAs sorted by name (manager.go:208). */
export const KUBEADM_CERTIFICATES: readonly KubeadmCertificate[] = [
  kubeconfig('admin.conf'),
  pki('apiserver', 'apiserver', 'ca'),
  pki('apiserver-etcd-client', 'apiserver-etcd-client', 'etcd-ca', true),
  pki('apiserver-kubelet-client', 'apiserver-kubelet-client', 'ca'),
  kubeconfig('controller-manager.conf'),
  pki('etcd-healthcheck-client', 'etcd/healthcheck-client', 'etcd-ca', true),
  pki('etcd-peer', 'etcd/peer', 'etcd-ca', true),
  pki('etcd-server', 'etcd/server', 'etcd-ca', true),
  pki('front-proxy-client', 'front-proxy-client', 'front-proxy-ca'),
  kubeconfig('scheduler.conf'),
  kubeconfig('super-admin.conf'),
  pki('ca', 'ca', null),
  pki('etcd-ca', 'etcd/ca', null, true),
  pki('front-proxy-ca', 'front-proxy-ca', null),
];

/** kubeadm's default certificatesDir and the folder of its kubeconfigs (constants.KubernetesDir, fixed: check-expiration has no flag for it, cmd/certs.go:113). */
const PKI_DIR = '/etc/kubernetes/pki';
const KUBECONFIG_DIR = '/etc/kubernetes';

/** Where an entry's certificate (or kubeconfig) and its key live on the node. */
export function kubeadmPaths(c: KubeadmCertificate): { certificate: string; key: string | null } {
  if (c.kind === 'kubeconfig') return { certificate: `${KUBECONFIG_DIR}/${c.file}`, key: null };
  return { certificate: `${PKI_DIR}/${c.file}.crt`, key: `${PKI_DIR}/${c.file}.key` };
}

/** The entry of a CA, by its name. */
export function kubeadmCa(name: 'ca' | 'etcd-ca' | 'front-proxy-ca'): KubeadmCertificate {
  return KUBEADM_CERTIFICATES.find((c) => c.name === name)!;
}
