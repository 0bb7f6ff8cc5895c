import { defineRule } from '../src/engine/define-rule.js';
import type { TlsFile } from '../src/model/types.js';

/**
 * The kubeadm phase that writes each file kubeadm puts there
 * (https://kubernetes.io/docs/reference/setup-tools/kubeadm/kubeadm-init-phase/#cmd-phase-certs).
 */
const PHASES: Record<string, string> = {
  '/etc/kubernetes/pki/etcd/ca.crt': 'etcd-ca',
  '/etc/kubernetes/pki/etcd/ca.key': 'etcd-ca',
  '/etc/kubernetes/pki/etcd/server.crt': 'etcd-server',
  '/etc/kubernetes/pki/etcd/server.key': 'etcd-server',
  '/etc/kubernetes/pki/etcd/peer.crt': 'etcd-peer',
  '/etc/kubernetes/pki/etcd/peer.key': 'etcd-peer',
  '/etc/kubernetes/pki/apiserver-etcd-client.crt': 'apiserver-etcd-client',
  '/etc/kubernetes/pki/apiserver-etcd-client.key': 'apiserver-etcd-client',
};

function consequence(f: TlsFile): string {
  return f.component === 'etcd'
    ? 'etcd exits at start and the whole control plane stops with it'
    : 'the kube-apiserver cannot connect to etcd and exits at start';
}

function remedy(f: TlsFile, path: string): string {
  const phase = PHASES[path];
  if (phase === 'etcd-ca') {
    return `Put the etcd CA back from a backup of /etc/kubernetes/pki/etcd (a new CA would invalidate every etcd certificate). Then restart ${f.component}.`;
  }
  const regenerate = phase ? `sudo kubeadm init phase certs ${phase} (signed by /etc/kubernetes/pki/etcd/ca.crt and ca.key)` : 'reissue it from the CA that signs it';
  return (
    `Put ${path} back from a backup of /etc/kubernetes/pki, or regenerate it: ${regenerate}; kubeadm reuses a pair it finds and stops ` +
    `when only one half is there, so move the other half aside first. The kubelet restarts ${f.component} by itself.`
  );
}

/** The unit a systemd-run etcd's file belongs to: its subject names it. */
const unitOf = (f: TlsFile) => f.subject.ref?.name ?? 'etcd.service';

/** A file named outside a static pod: in an etcd systemd unit, its environment or config file, or kubeadm's etcd.external. */
function missingOnNode(f: TlsFile): { message: string; remediation: string } | null {
  const host = f.onHost;
  if (!host || host.kind === 'file') return null;
  const what = host.kind === 'missing' ? 'does not exist' : host.kind === 'directory' ? 'is a directory, not a file' : 'is a device, FIFO or socket, not a regular file';
  if (f.origin === 'systemd-unit') {
    const unit = unitOf(f);
    return {
      message: `${unit} ${f.flag}=${f.at.path} ${what} (${host.file}): etcd exits at start and the unit fails (systemctl status shows it)`,
      remediation:
        `Put ${f.at.path} back from a backup of the etcd member's certificates, or reissue it from the etcd CA that signs the others ` +
        `(openssl x509 -req -in member.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -out ${f.at.path}); ` +
        `then sudo systemctl restart ${unit} and check with sudo systemctl status ${unit}.`,
    };
  }
  return {
    message: `kubeadm's ClusterConfiguration ${f.flag}=${f.at.path} ${what} (${host.file}): the kube-apiserver gets it as its --etcd-* file, cannot connect to the external etcd and exits at start`,
    remediation:
      `Copy the etcd client certificate, key and CA from an etcd member to ${f.at.path} (kubeadm's external etcd guide: ` +
      'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/high-availability/#external-etcd-nodes); the kubelet restarts the kube-apiserver by itself once the file is there.',
  };
}

function missing(f: TlsFile): { message: string; remediation: string } | null {
  if (f.origin) return missingOnNode(f);
  const named = `${f.flag}=${f.at.path}`;
  if (!f.at.mount) {
    return {
      message: `${f.component} ${named} is on no volume mount of its container: the file is not there inside the container, and ${consequence(f)}`,
      remediation: `Mount the folder that holds it (kubeadm mounts /etc/kubernetes/pki/etcd into etcd and /etc/kubernetes/pki into the kube-apiserver).`,
    };
  }
  const host = f.onHost;
  if (!host || f.at.hostPath === null) return null;
  // kubeadm mounts the pki folders at the same paths, so the node path is usually the flag's own.
  const onNode = host.path === f.at.path ? `${f.component} ${named}` : `${f.component} ${named} (${host.path} on the node)`;
  if (host.kind === 'missing') {
    return { message: `${onNode} does not exist (${host.file}): ${consequence(f)}`, remediation: remedy(f, host.path) };
  }
  if (host.kind !== 'file') {
    const what = host.kind === 'directory' ? 'a directory, not a file' : 'a device, FIFO or socket, not a regular file';
    return { message: `${onNode} is ${what} (${host.file}): ${consequence(f)}`, remediation: remedy(f, host.path) };
  }
  return null;
}

export default defineRule({
  id: 'etcd-tls-files-missing',
  description:
    'A certificate, key or CA file named in etcd.yaml, in an etcd systemd unit, in the kube-apiserver\'s --etcd-* flags or in kubeadm\'s etcd.external does not exist on the node.',
  category: 'etcd',
  judges: 'cluster',
  severity: 'error',
  needs: ['controlPlane', 'host'],
  remediation: 'Restore the file from a backup of /etc/kubernetes/pki, or regenerate it with kubeadm init phase certs.',
  skipIf: (model) =>
    model.nodeRoot === null && model.etcd.some((p) => p.origin === 'manifest')
      ? 'the files etcd.yaml names can be checked only with --root (a node\'s files)'
      : null,
  check(model) {
    return model.etcdTlsFiles.flatMap((f) => {
      const problem = missing(f);
      return problem ? [{ subject: f.subject, ...problem }] : [];
    });
  },
});
