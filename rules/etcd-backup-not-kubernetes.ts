import { defineRule } from '../src/engine/define-rule.js';
import { noBackupLocation } from './shared/backups.js';

export default defineRule({
  id: 'etcd-backup-not-kubernetes',
  description: 'A sound etcd snapshot holds no /registry/ keys: it is not a backup of a Kubernetes cluster.',
  category: 'etcd',
  judges: 'cluster',
  severity: 'warning',
  needs: ['snapshots'],
  remediation:
    'Point the backup job at the etcd the kube-apiserver uses (its --etcd-servers flag; 127.0.0.1:2379 on a ' +
    'kubeadm node) with the client certificates from /etc/kubernetes/pki/etcd, and check the result with kcheck snapshot FILE.',
  skipIf: noBackupLocation,
  check(model) {
    return (model.backups?.snapshots ?? []).flatMap((s) => {
      const r = s.report;
      if ((r.verdict !== 'ok' && r.verdict !== 'unverifiable') || !r.etcd || (r.kubernetes?.liveKeys ?? 0) > 0) return [];
      return [{
        subject: s.subject,
        message:
          `${s.file} is a sound etcd snapshot (revision ${r.etcd.latestRevision}, ${r.etcd.liveKeys} live keys) but holds no ` +
          '/registry/ keys: it was taken from an etcd that is not the cluster\'s (another endpoint, an empty etcd), and restoring it brings back no Kubernetes object',
      }];
    });
  },
});
