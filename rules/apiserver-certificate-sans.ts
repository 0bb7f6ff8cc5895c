import { defineRule } from '../src/engine/define-rule.js';
import type { ApiserverSansState, ExpectedSan } from '../src/model/types.js';
import { noKubeadmPki, SAVE_KUBEADM_CONFIG } from './shared/kubeadm-certificates.js';

/** A TLS client compares host names case-insensitively (Go crypto/x509 VerifyHostname), IPs by value. */
function missing(s: ApiserverSansState): ExpectedSan[] {
  const dns = new Set(s.dns.map((d) => d.toLowerCase()));
  const ips = new Set(s.ips);
  const seen = new Set<string>();
  return s.expected.filter((e) => {
    const key = `${e.kind}:${e.value.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return e.kind === 'DNS' ? !dns.has(e.value.toLowerCase()) : !ips.has(e.value);
  });
}

function remedy(s: ApiserverSansState): string {
  const key = s.path.replace(/\.crt$/, '.key');
  return [
    SAVE_KUBEADM_CONFIG,
    '# kubeadm.yaml needs the InitConfiguration too (localAPIEndpoint.advertiseAddress, nodeRegistration.name), or kubeadm takes the default route\'s address and the hostname.',
    // kubeadm reuses a pair already on disk ("Using existing apiserver certificate and key"): move it away first.
    'sudo mkdir -p /etc/kubernetes/pki-old',
    `sudo mv ${s.path} ${key} /etc/kubernetes/pki-old/`,
    'sudo kubeadm init phase certs apiserver --config kubeadm.yaml',
    `sudo openssl x509 -noout -ext subjectAltName -in ${s.path}`,
    'sudo mv /etc/kubernetes/manifests/kube-apiserver.yaml /tmp/ && sleep 20 && sudo mv /tmp/kube-apiserver.yaml /etc/kubernetes/manifests/',
  ].join('\n');
}

export default defineRule({
  id: 'apiserver-certificate-sans',
  description: 'The kube-apiserver serving certificate lacks a name kubeadm gives it (advertise address, controlPlaneEndpoint, certSANs, kubernetes Service): clients reaching it by that name fail TLS verification.',
  category: 'certificates',
  judges: 'cluster',
  severity: 'error',
  needs: ['certificates'],
  remediation: 'Move pki/apiserver.crt and .key away, run kubeadm init phase certs apiserver --config kubeadm.yaml and restart the kube-apiserver static pod.',
  skipIf: noKubeadmPki,
  check(model) {
    const s = model.certificates?.apiserverSans;
    if (!s) return [];
    const gone = missing(s);
    if (gone.length === 0) return [];
    const names = gone.map((e) => `${e.kind}:${e.value} (${e.from})`).join(', ');
    return [{
      subject: s.subject,
      message:
        `apiserver (${s.path}) lacks ${gone.length === 1 ? 'a name' : 'names'} kubeadm puts in it: ${names}. ` +
        'Clients reaching the kube-apiserver by that name fail with "x509: certificate is valid for ..., not ..."' +
        (s.unchecked.length > 0 ? ` (not checked: ${s.unchecked.join('; ')})` : ''),
      remediation: remedy(s),
    }];
  },
});
