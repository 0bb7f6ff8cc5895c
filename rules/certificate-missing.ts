import { defineRule } from '../src/engine/define-rule.js';
import type { KubeadmCertificateState } from '../src/model/types.js';
import { kubeadmListed, kubeconfigPhase, noKubeadmPki, restartSteps, SAVE_KUBEADM_CONFIG } from './shared/kubeadm-certificates.js';

/** What stops without it, by kubeadm name. */
function consequence(c: KubeadmCertificateState): string {
  if (c.ca === null) return 'nothing it signed can be verified or renewed (kubeadm certs renew needs it)';
  if (c.kind === 'kubeconfig') {
    return c.name === 'admin.conf' || c.name === 'super-admin.conf'
      ? 'kubectl and kubeadm have no administrator credentials on this node'
      : `${c.restart[0] ?? 'its component'} cannot authenticate to the kube-apiserver and stops at its next start`;
  }
  if (c.restart.length > 0) return `${c.restart.join(' and ')} cannot start with it missing`;
  return 'what uses it fails its TLS handshakes';
}

function remedy(c: KubeadmCertificateState): string {
  if (c.ca === null) {
    // A new CA would make every certificate it signed untrusted: https://kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates/
    return `Put ${c.path} back from a backup of /etc/kubernetes/pki (with its .key). Do not generate a new ${c.name}: every certificate it signed would stop being trusted.\nsudo kubeadm certs check-expiration`;
  }
  const phase = c.kind === 'kubeconfig' ? `kubeconfig ${kubeconfigPhase(c.name)}` : `certs ${c.name}`;
  return [
    `# Put ${c.path} back from a backup, or let kubeadm write it again from the cluster's configuration:`,
    SAVE_KUBEADM_CONFIG,
    `sudo kubeadm init phase ${phase} --config kubeadm.yaml`,
    ...restartSteps(c),
    'sudo kubeadm certs check-expiration',
  ].join('\n');
}

export default defineRule({
  id: 'certificate-missing',
  description: 'A certificate or kubeconfig that kubeadm certs check-expiration lists is not on the node: kubeadm reports it !MISSING!.',
  category: 'certificates',
  judges: 'cluster',
  severity: 'error',
  needs: ['certificates'],
  remediation: 'Restore it from a backup of /etc/kubernetes, or write it again with kubeadm init phase certs|kubeconfig NAME.',
  skipIf: noKubeadmPki,
  check(model) {
    return kubeadmListed(model).flatMap((c) => {
      if (c.exists) return [];
      const listed = `${c.ca === null ? 'certificate authority ' : ''}${c.name} (${c.path}) is missing: kubeadm certs check-expiration lists it as !MISSING!`;
      if (c.name === 'super-admin.conf') {
        // Only `kubeadm init` writes it (cmd/kubeadm/app/cmd/phases/init/kubeconfig.go:43-83; no join phase does), since 1.29;
        // `kubeadm upgrade` renews it only where it exists (phases/upgrade/staticpods.go:515).
        return [{
          subject: c.subject,
          severity: 'info' as const,
          message: `${listed}. That is normal on a control-plane node that joined with kubeadm join, or in a cluster created before Kubernetes 1.29: only kubeadm init writes it`,
          remediation: `Only if this node should hold the break-glass credentials:\n${SAVE_KUBEADM_CONFIG}\nsudo kubeadm init phase kubeconfig super-admin --config kubeadm.yaml`,
        }];
      }
      return [{ subject: c.subject, message: `${listed}, and ${consequence(c)}`, remediation: remedy(c) }];
    });
  },
});
