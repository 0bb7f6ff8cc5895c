import { loadData } from './load-table.js';
import { parseVersion, type Version } from '../model/version.js';

interface KubeadmEtcdTable {
  minimumBefore36: string;
  etcd: { minor: string; etcd: string }[];
}

const table = loadData<KubeadmEtcdTable>('kubeadm-etcd.yaml');

/** The etcd kubeadm deploys for a Kubernetes minor, if the table knows it. */
export function kubeadmEtcdFor(kubernetes: Version): Version | null {
  const row = table.etcd.find((r) => r.minor === `${kubernetes.major}.${kubernetes.minor}`);
  return row ? parseVersion(row.etcd) : null;
}

export const minimumEtcdBefore36 = parseVersion(table.minimumBefore36)!;
