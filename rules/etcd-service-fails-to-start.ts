import { defineRule } from '../src/engine/define-rule.js';
import type { EtcdService, EtcdStaticPod } from '../src/model/types.js';

function remedy(s: EtcdService): string {
  if (s.refused) {
    return (
      `Fix the unit so systemd accepts it (sudo systemd-analyze verify /etc/systemd/system/${s.unit} names the line), ` +
      `then: sudo systemctl daemon-reload && sudo systemctl restart ${s.unit}.`
    );
  }
  return (
    'Give each etcd setting one way only: remove the ETCD_* variable (from Environment= or the EnvironmentFile=) or the flag ' +
    `(from ExecStart=), e.g. with sudo systemctl edit ${s.unit}; then sudo systemctl restart ${s.unit} and check with ` +
    `journalctl -u ${s.unit} -n 20.`
  );
}

function podRemedy(pod: EtcdStaticPod): string {
  const manifest = pod.origin === 'mirror-pod' ? `/etc/kubernetes/manifests/etcd.yaml on node ${pod.node ?? 'NODE'}` : '/etc/kubernetes/manifests/etcd.yaml';
  return (
    `Give each etcd setting one way only: in ${manifest} remove the ETCD_* entry from the etcd container's env or the flag from its command; ` +
    'the kubelet recreates the etcd pod when the file changes. Check with: sudo crictl ps --name etcd; sudo crictl logs $(sudo crictl ps -a --name etcd -q | head -1).'
  );
}

export default defineRule({
  id: 'etcd-service-fails-to-start',
  description:
    'etcd would not start: systemd refuses its unit (with --root), or etcd exits at once, under systemd or in its static pod (a flag and its ETCD_* variable both set, a bad flag, a broken --config-file).',
  category: 'etcd',
  judges: 'cluster',
  severity: 'error',
  needs: ['etcd'],
  remediation: 'Give each etcd setting once (a flag or its ETCD_* variable, never both), then sudo systemctl restart etcd (a static pod restarts by itself when etcd.yaml changes).',
  check(model) {
    const services = model.etcdServices.flatMap((s) => {
      // A masked unit is switched off on purpose (systemctl mask): not a failure.
      if (s.masked) return [];
      const message = s.refused ?? (s.startFailure ? `${s.unit} starts etcd, which exits at once: ${s.startFailure}` : null);
      return message ? [{ subject: s.subject, message, remediation: remedy(s) }] : [];
    });
    const pods = model.etcd.flatMap((pod) =>
      pod.startFailure ? [{ subject: pod.subject, message: `the etcd static pod's etcd exits at once: ${pod.startFailure}`, remediation: podRemedy(pod) }] : []);
    return [...services, ...pods];
  },
});
