import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import type { Certificate } from '../src/model/types.js';
import { DURATION_PATTERN, parseDuration } from '../src/model/duration.js';
import { describeAge, showTime } from '../src/facts/wording.js';

interface Options {
  warnWithin: string;
}

const TLS_FAILS = 'TLS connections that use it fail with "x509: certificate has expired or is not yet valid"';

/** kubeadm's manual renewal (https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/#manual-certificate-renewal). */
function renewal(c: Certificate): string {
  if (c.authority) {
    // https://kubernetes.io/docs/tasks/tls/manual-rotation-of-ca-certificates/
    return (
      `kubeadm certs renew cannot renew a CA (kubeadm makes them valid for 10 years). Rotate ${c.name} by hand ` +
      '(Manual Rotation of CA Certificates in the Kubernetes docs), then renew what it signed: sudo kubeadm certs renew all.'
    );
  }
  if (c.name.startsWith('kubelet.conf')) {
    // https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/#kubelet-client-cert
    return 'The kubelet rotates its own client certificate; point kubelet.conf\'s client-certificate and client-key at ' +
      '/var/lib/kubelet/pki/kubelet-client-current.pem and restart the kubelet.';
  }
  if (!c.renewable) return `kubeadm does not manage ${c.path}: reissue it from the CA that signed it (${c.issuer}) and restart what uses it.`;
  const steps = [`sudo kubeadm certs renew ${c.name}`];
  // Static pods read their certificates only at start: the kubelet restarts one when its manifest leaves and comes back.
  for (const pod of c.restart) {
    steps.push(`sudo mv /etc/kubernetes/manifests/${pod}.yaml /tmp/ && sleep 20 && sudo mv /tmp/${pod}.yaml /etc/kubernetes/manifests/`);
  }
  if (c.name === 'admin.conf' || c.name === 'super-admin.conf') steps.push(`sudo cp /etc/kubernetes/${c.name} ~/.kube/config`);
  steps.push('sudo kubeadm certs check-expiration');
  return steps.join('\n');
}

function judge(c: Certificate, now: Date, warnMs: number): Omit<Report, 'subject' | 'remediation'> | null {
  const what = `${c.authority ? 'certificate authority ' : ''}${c.name}${c.name === c.path ? '' : ` (${c.path})`}`;
  const left = c.notAfter.getTime() - now.getTime();
  if (c.notBefore > now) {
    return {
      severity: 'error',
      message:
        `${what} is not valid until ${showTime(c.notBefore)}, ${describeAge(c.notBefore.getTime() - now.getTime())} after the capture time ` +
        `(a clock that is wrong, or a certificate issued for later): ${TLS_FAILS}`,
    };
  }
  if (left <= 0) {
    return { severity: 'error', message: `${what} expired ${describeAge(-left)} before the capture time (${showTime(c.notAfter)}): ${TLS_FAILS}` };
  }
  if (left <= warnMs) {
    return { message: `${what} expires in ${describeAge(left)} (${showTime(c.notAfter)}): renew it before then` };
  }
  return null;
}

export default defineRule<Options>({
  id: 'certificate-expiry',
  description: 'A certificate under /etc/kubernetes (pki folder or kubeconfig) has expired, is not yet valid, or expires within 30 days.',
  category: 'certificates',
  judges: 'cluster',
  severity: 'warning',
  needs: ['certificates'],
  defaultOptions: { warnWithin: '30d' },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { warnWithin: { type: 'string', pattern: DURATION_PATTERN, description: 'Warn this long before a certificate expires: 30d, 8w.' } },
  },
  remediation: 'Renew it with kubeadm certs renew NAME, then restart the static pods that use it.',
  skipIf: (model) =>
    model.certificates && !model.certificates.pkiFound && model.certificates.list.length === 0
      ? 'no /etc/kubernetes/pki and no kubeconfig certificates under --root'
      : null,
  check(model, options) {
    const warnMs = parseDuration(options.warnWithin) ?? 30 * 86_400_000;
    return (model.certificates?.list ?? []).flatMap((c) => {
      const verdict = judge(c, model.capturedAt, warnMs);
      return verdict ? [{ subject: c.subject, ...verdict, remediation: renewal(c) }] : [];
    });
  },
});
