import type { ClusterModel, KubeadmCertificateState } from '../../src/model/types.js';

/**
 * The entries `kubeadm certs check-expiration` lists for this cluster: with
 * etcd.external in kubeadm's ClusterConfiguration it builds its list from
 * GetCertsWithoutEtcd, without the etcd certificates and apiserver-etcd-client
 * (cmd/kubeadm/app/phases/certs/renewal/manager.go:103-106, certlist.go:267-276).
 */
export function kubeadmListed(model: ClusterModel): KubeadmCertificateState[] {
  const external = model.externalEtcd.length > 0;
  return (model.certificates?.kubeadm ?? []).filter((c) => !(external && c.localEtcdOnly));
}

/**
 * Why there is nothing to judge: said, as certificate-expiry says it, of a
 * node root with no pki folder and no kubeconfig certificate (a worker's).
 * Without --root there are no certificates and nothing is reported.
 */
export function noKubeadmPki(model: ClusterModel): string | null {
  return model.certificates && !model.certificates.pkiFound && model.certificates.list.length === 0
    ? 'no /etc/kubernetes/pki and no kubeconfig certificates under --root'
    : null;
}

/**
 * A static pod reads its certificates only at start: the kubelet restarts it
 * when its manifest leaves the folder and comes back
 * (https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/#manual-certificate-renewal).
 */
export function restartSteps(c: KubeadmCertificateState): string[] {
  const steps = c.restart.map((pod) => `sudo mv /etc/kubernetes/manifests/${pod}.yaml /tmp/ && sleep 20 && sudo mv /tmp/${pod}.yaml /etc/kubernetes/manifests/`);
  if (c.name === 'admin.conf' || c.name === 'super-admin.conf') steps.push(`sudo cp /etc/kubernetes/${c.name} ~/.kube/config`);
  return steps;
}

/** kubeadm keeps its ClusterConfiguration in the kube-system/kubeadm-config ConfigMap; `kubeadm init phase` takes it with --config. */
export const SAVE_KUBEADM_CONFIG = "kubectl -n kube-system get configmap kubeadm-config -o jsonpath='{.data.ClusterConfiguration}' > kubeadm.yaml";

/** The `kubeadm init phase kubeconfig` subcommand that writes a kubeconfig (admin.conf → admin). */
export const kubeconfigPhase = (name: string): string => name.replace(/\.conf$/, '');
