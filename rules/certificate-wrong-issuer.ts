import { defineRule } from '../src/engine/define-rule.js';
import type { KubeadmCertificateState } from '../src/model/types.js';
import { kubeadmListed, noKubeadmPki, restartSteps } from './shared/kubeadm-certificates.js';

function verifyCommand(c: KubeadmCertificateState): string {
  const ca = c.issuer!.path;
  if (c.kind === 'kubeconfig') {
    return `sudo grep client-certificate-data ${c.path} | awk '{print $2}' | base64 -d | openssl verify -no_check_time -CAfile ${ca}`;
  }
  return `sudo openssl verify -no_check_time -CAfile ${ca} ${c.path}`;
}

function remedy(c: KubeadmCertificateState): string {
  // kubeadm certs renew signs with the CA in the certificates dir (renewal/manager.go:264-271): the one peers trust.
  return [
    verifyCommand(c),
    `sudo kubeadm certs renew ${c.name}`,
    ...restartSteps(c),
    verifyCommand(c),
    `# No ${c.issuer!.path.replace(/\.crt$/, '.key')} (an external CA)? kubeadm cannot renew it: have that CA sign a new certificate for ${c.name}.`,
  ].join('\n');
}

export default defineRule({
  id: 'certificate-wrong-issuer',
  description: 'A kubeadm certificate was not signed by the CA kubeadm signs it with (ca, etcd-ca or front-proxy-ca): peers that trust that CA refuse it.',
  category: 'certificates',
  judges: 'cluster',
  severity: 'error',
  needs: ['certificates'],
  remediation: 'Renew it with kubeadm certs renew NAME, which signs it with the CA in /etc/kubernetes/pki.',
  skipIf: noKubeadmPki,
  check(model) {
    return kubeadmListed(model).flatMap((c) => {
      const issuer = c.issuer;
      if (!issuer || issuer.verdict !== 'not-signed') return [];
      const expected = issuer.expected ?? [];
      const named = expected.length > 0 ? `, ${expected.join('; ')}` : '';
      // Same name, other key: a CA made again (kubeadm init run twice, another cluster), told apart only by the signature.
      const sameName = issuer.actual !== undefined && expected.includes(issuer.actual) ? ': a CA of the same name but another key' : '';
      return [{
        subject: c.subject,
        message:
          `${c.name} (${c.path}) was not signed by ${issuer.ca} (${issuer.path}${named}); its issuer is ${issuer.actual ?? 'unknown'}${sameName}. ` +
          'TLS peers that trust that CA refuse it with "x509: certificate signed by unknown authority"',
        remediation: remedy(c),
      }];
    });
  },
});
