import type { PemCertificate } from './pem.js';
import type { SnapshotReport } from '../snapshot/types.js';

/**
 * Host paths a node root is asked about, as they are written on the node
 * (`/var/lib/etcd`), not under `--root`. The model works them out from the
 * static pod manifests (hostPath volumes + the paths flags name).
 */
export interface HostQuestions {
  /** Directories etcd is wired to keep its data in. */
  etcdDataDirs: string[];
  /** Files named by flags (certificates, keys, CAs). */
  files: string[];
}

export interface HostFile {
  /** As on the node: `/etc/kubernetes/pki/etcd/server.crt`. */
  path: string;
  /** Under `--root`, as findings name it. */
  file: string;
  kind: 'file' | 'directory' | 'other' | 'missing';
}

export interface EtcdDataDir {
  /** As on the node: `/var/lib/etcd`. */
  path: string;
  /** Under `--root`. */
  file: string;
  exists: boolean;
  /**
   * Modification time of `member/` (ISO 8601). etcd creates `member/snap` and
   * `member/wal` in it once and then writes only inside them, so this is when
   * the data was created: by etcd's first start or by `etcdctl snapshot restore`.
   */
  memberCreated?: string;
  /** `member/snap/db`, etcd's bbolt database. */
  database?: { size: number; mtime: string };
  /** The database read as a snapshot (revision, members); only for the directories etcd.yaml points at. */
  inspected?: SnapshotReport;
  /** True for a directory etcd.yaml points at; false for one found beside it (`/var/lib/etcd-*`). */
  wired: boolean;
}

/** One X.509 certificate found in the PKI folder or embedded in a kubeconfig. */
export interface CertificateFile extends PemCertificate {
  /** As on the node: `/etc/kubernetes/pki/apiserver.crt`, `/etc/kubernetes/admin.conf`. */
  path: string;
  /** Under `--root`. */
  file: string;
  /** For a kubeconfig: the field that held it and the user or cluster entry's name. */
  embedded?: { field: 'client-certificate-data' | 'certificate-authority-data'; entry: string };
}

/** A control-plane node's files under `--root`, beyond its static pod manifests. */
export interface HostFacts {
  root: string;
  files: HostFile[];
  etcdDataDirs: EtcdDataDir[];
  /** False when `/etc/kubernetes/pki` does not exist under the root. */
  pkiFound: boolean;
  certificates: CertificateFile[];
}
