import { defineRule } from '../src/engine/define-rule.js';
import type { Report } from '../src/engine/types.js';
import { componentsNamed } from '../src/model/control-plane.js';
import { compareVersions, minorOf } from '../src/model/version.js';
import { kubeadmEtcdFor, minimumEtcdBefore36 } from '../src/facts/kubeadm-etcd.js';

const etcdShow = (v: { major: number; minor: number; patch: number }) => `${v.major}.${v.minor}.${v.patch}`;

export default defineRule({
  id: 'etcd-version-mismatch',
  description: 'etcd is older than the version kubeadm ships for the upgrade target, or a 3.5 member is too old to move to 3.6.',
  category: 'upgrade',
  judges: 'cluster',
  severity: 'warning',
  needsTarget: true,
  needs: ['controlPlane', 'etcd'],
  remediation:
    'A stacked etcd is upgraded by kubeadm upgrade apply (take a snapshot first: etcdctl snapshot save). An external etcd ' +
    'must be upgraded by you, one minor at a time, before the control plane.',
  check(model) {
    const target = model.target;
    if (!target) return [];
    const wanted = kubeadmEtcdFor(target);
    if (!wanted) return [];
    return componentsNamed(model, 'etcd').flatMap((etcd): Report[] => {
      const v = etcd.version;
      // A systemd-run etcd's version comes from the package that installed it: say which.
      const where = etcd.node ? ` on node ${etcd.node}` : etcd.source === 'package' ? ` (package ${etcd.raw})` : '';
      // etcd supports upgrades one minor at a time, and into 3.6 only from 3.5.24 or later
      // (https://etcd.io/docs/v3.6/upgrades/upgrade_3_6/).
      if (wanted.major === 3 && wanted.minor >= 6 && v.major === 3 && v.minor < 6 &&
          (v.minor < 5 || compareVersions(v, minimumEtcdBefore36) < 0)) {
        return [{
          subject: etcd.subject,
          severity: 'error',
          message:
            `etcd ${etcdShow(v)}${where} cannot move to etcd ${etcdShow(wanted)} that kubeadm ships for ${minorOf(target)}: ` +
            `every member must reach ${etcdShow(minimumEtcdBefore36)} or a later 3.5 first`,
        }];
      }
      if (compareVersions(v, wanted) < 0) {
        return [{
          subject: etcd.subject,
          message: `etcd ${etcdShow(v)}${where} is older than etcd ${etcdShow(wanted)} that kubeadm ships for Kubernetes ${minorOf(target)}`,
        }];
      }
      return [];
    });
  },
});
