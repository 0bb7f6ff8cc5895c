import { defineRule } from '../src/engine/define-rule.js';
import type { KubeletClientState } from '../src/model/types.js';
import { describeAge, showTime } from '../src/facts/wording.js';

const CURRENT = '/var/lib/kubelet/pki/kubelet-client-current.pem';

/** Point kubelet.conf at the file the kubelet rotates (https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/#kubelet-client-cert). */
const POINT_AT_CURRENT = [
  `sudo ls -l ${CURRENT}`,
  `sudo sed -i -e 's|client-certificate-data: .*|client-certificate: ${CURRENT}|' -e 's|client-key-data: .*|client-key: ${CURRENT}|' /etc/kubernetes/kubelet.conf`,
  'sudo systemctl restart kubelet',
];

/** The kubeadm docs' recovery when rotation failed and the certificate is gone or expired. */
function recover(node: string): string {
  return [
    '# On a control-plane node that works, write a new kubelet.conf for this node:',
    `sudo kubeadm kubeconfig user --org system:nodes --client-name system:node:${node} > kubelet.conf`,
    '# Copy it to this node as /etc/kubernetes/kubelet.conf, then:',
    'sudo systemctl restart kubelet',
    `# Once ${CURRENT} is there again, point kubelet.conf back at it:`,
    ...POINT_AT_CURRENT.slice(1),
    'sudo journalctl -u kubelet | grep -i certificate   # why rotation stopped; kubectl get csr shows requests left Pending',
  ].join('\n');
}

function judge(k: KubeletClientState, now: Date): { severity?: 'error' | 'warning'; message: string; remediation: string } | null {
  const node = (k.user ?? '').replace(/^system:node:/, '') || '<node-name>';
  if (k.mode === 'embedded') {
    const until = k.notAfter ? ` (it expires ${showTime(k.notAfter)})` : '';
    return {
      message:
        `kubelet.conf embeds the kubelet's client certificate (client-certificate-data of user ${k.user}): the certificates the kubelet rotates into ` +
        `${CURRENT} are never used, and the node goes NotReady when this one expires${until}`,
      remediation: POINT_AT_CURRENT.join('\n'),
    };
  }
  if (k.mode !== 'file') return null;
  if (k.state === 'missing' || k.state === 'no-certificate') {
    const what = k.state === 'missing' ? 'does not exist' : 'holds no certificate';
    return { severity: 'error', message: `kubelet.conf's client-certificate ${k.path} ${what}: the kubelet cannot authenticate to the kube-apiserver and the node goes NotReady`, remediation: recover(node) };
  }
  if (k.state !== 'found' || !k.notBefore || !k.notAfter) return null;
  const left = k.notAfter.getTime() - now.getTime();
  if (k.notBefore > now) {
    return { severity: 'error', message: `the kubelet's client certificate ${k.path} is not valid until ${showTime(k.notBefore)} (a clock that is wrong?): the kubelet cannot authenticate`, remediation: recover(node) };
  }
  if (left <= 0) {
    return { severity: 'error', message: `the kubelet's client certificate ${k.path} expired ${describeAge(-left)} before the capture time (${showTime(k.notAfter)}): rotation has failed and the node is NotReady`, remediation: recover(node) };
  }
  // The kubelet asks for a new certificate at a random point between 70% and 90% of the current one's life
  // (k8s.io/client-go util/certificate/certificate_manager.go:697-728, nextRotationDeadline and jitteryDuration).
  const life = k.notAfter.getTime() - k.notBefore.getTime();
  const latest = new Date(k.notBefore.getTime() + 0.9 * life);
  if (now > latest) {
    return {
      message:
        `the kubelet's client certificate ${k.path} expires in ${describeAge(left)} (${showTime(k.notAfter)}) and was not rotated: the kubelet renews at ` +
        `70-90% of its life, by ${showTime(latest)} at the latest, so rotation is failing`,
      remediation: ['sudo journalctl -u kubelet | grep -i certificate', 'kubectl get csr', 'kubectl certificate approve <csr-name>   # a Pending node-client CSR', `sudo openssl x509 -in ${CURRENT} -noout -dates`].join('\n'),
    };
  }
  return null;
}

export default defineRule({
  id: 'kubelet-client-certificate',
  description: 'kubelet.conf embeds a client certificate the kubelet never rotates, or the rotated kubelet-client-current.pem is missing, expired or overdue for rotation.',
  category: 'certificates',
  judges: 'cluster',
  severity: 'warning',
  needs: ['certificates'],
  remediation: `Point kubelet.conf's client-certificate and client-key at ${CURRENT} and restart the kubelet.`,
  check(model) {
    const k = model.certificates?.kubelet;
    const verdict = k ? judge(k, model.capturedAt) : null;
    return verdict && k ? [{ subject: k.subject, ...verdict }] : [];
  },
});
