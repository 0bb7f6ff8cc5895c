import { defineRule } from '../src/engine/define-rule.js';
import type { KubeadmCertificateState } from '../src/model/types.js';
import { kubeadmListed, noKubeadmPki, restartSteps } from './shared/kubeadm-certificates.js';

/** The two public keys, side by side, as an operator compares them (the digests differ when the pair does not match). */
function compareCommands(c: KubeadmCertificateState): string[] {
  if (c.kind === 'kubeconfig') {
    const field = (f: string) => `sudo grep ${f} ${c.path} | awk '{print $2}' | base64 -d`;
    return [
      `${field('client-certificate-data')} | openssl x509 -noout -pubkey | openssl sha256`,
      `${field('client-key-data')} | openssl pkey -pubout | openssl sha256`,
    ];
  }
  return [`sudo openssl x509 -in ${c.path} -noout -pubkey | openssl sha256`, `sudo openssl pkey -in ${c.key!.path} -pubout | openssl sha256`];
}

function remedy(c: KubeadmCertificateState): string {
  if (c.ca === null) {
    return [
      ...compareCommands(c),
      `# A CA cannot be renewed by kubeadm: put the matching ${c.path} and ${c.key!.path} back together from a backup of /etc/kubernetes/pki.`,
    ].join('\n');
  }
  // kubeadm certs renew writes a new key with the new certificate (renewal/manager.go:270-279, pkiutil.NewCertAndKey).
  return [...compareCommands(c), `sudo kubeadm certs renew ${c.name}`, ...restartSteps(c), 'sudo kubeadm certs check-expiration'].join('\n');
}

function message(c: KubeadmCertificateState): string | null {
  const key = c.key;
  if (!key) return null;
  const what = `${c.ca === null ? 'certificate authority ' : ''}${c.name}`;
  const pair = c.kind === 'kubeconfig' ? `${c.path}: its client-key-data` : `the private key ${key.path}`;
  const of = c.kind === 'kubeconfig' ? 'its client-certificate-data' : c.path;
  const uses = c.kind === 'kubeconfig' ? (c.restart.length > 0 ? c.restart.join(' and ') : 'kubectl with it') : (c.restart.length > 0 ? c.restart.join(' and ') : 'what uses it');
  if (key.verdict === 'differs') {
    return `${what}: ${pair} is not the key of ${of} (their public keys differ): ${uses} fails with "tls: private key does not match public key"`;
  }
  if (key.verdict === 'unreadable') {
    return `${what}: ${pair} cannot be loaded as a private key (${key.reason}): ${uses} cannot use it`;
  }
  // 'not-pem' (a file with no PEM private key block) is not judged: see the rule's doc. 'matches' is fine.
  return null;
}

export default defineRule({
  id: 'certificate-key-mismatch',
  description: 'A kubeadm certificate\'s private key (the .key beside it, or a kubeconfig\'s client-key-data) is not the key of that certificate.',
  category: 'certificates',
  judges: 'cluster',
  severity: 'error',
  needs: ['certificates'],
  remediation: 'Renew the pair with kubeadm certs renew NAME (a CA: restore the matching pair from a backup).',
  skipIf: noKubeadmPki,
  check(model) {
    return kubeadmListed(model).flatMap((c) => {
      const text = message(c);
      if (!text) return [];
      const subject = { ...c.subject, provenance: { type: 'file' as const, file: c.key!.file, line: 1, column: 1 } };
      return [{ subject, message: text, remediation: remedy(c) }];
    });
  },
});
