import type { BackupSnapshot, Backups, ClusterModel } from '../../src/model/types.js';

/**
 * Why the backup rules cannot judge this scan: it reads a control-plane node
 * (`--root`) or etcd's static pod, but no backup location was given. A scan
 * of plain manifests has no etcd to back up, and the rules stay silent.
 */
export function noBackupLocation(model: ClusterModel): string | null {
  if (model.backups !== null) return null;
  if (model.nodeRoot === null && model.etcd.length === 0) return null;
  return 'no backup location given (--backups DIR, or backups: in the config)';
}

/** How to take a snapshot on a kubeadm node (its client certificates under
 * /etc/kubernetes/pki/etcd), named so kcheck reads its time from the name. */
export const SNAPSHOT_COMMAND =
  'sudo ETCDCTL_API=3 etcdctl --endpoints 127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt ' +
  '--cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key ' +
  'snapshot save /var/backups/etcd/etcd-snapshot-$(date -u +%Y-%m-%dT%H%M%SZ).db';

/** The snapshot a restore would use: the newest one that can bring the cluster back. */
export function newestRestorable(backups: Backups): BackupSnapshot | null {
  return backups.snapshots
    .filter((s) => s.restorable)
    .reduce<BackupSnapshot | null>((newest, s) => (!newest || s.takenAt > newest.takenAt ? s : newest), null);
}
