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
   * Modification time of `member/` (ISO 8601); set whenever `member/` exists.
   * Not when the data was made: etcd touches member/ at every start
   * (fileutil.TouchDirAll writes and removes a `.touch` file in it), so
   * restarting etcd on an old directory makes it the newest. `identity` says
   * whose data it is.
   */
  memberCreated?: string;
  /** `member/snap/db`, etcd's bbolt database. */
  database?: { size: number; mtime: string };
  /** The database read as a snapshot (revision, members); only for the directories etcd.yaml points at. */
  inspected?: SnapshotReport;
  /** True for a directory etcd.yaml points at; false for one found beside it (`/var/lib/etcd-*`). */
  wired: boolean;
  /** Set when `path` is a symbolic link to something that does not exist on the node: its target. */
  danglingLink?: string;
  /** Where `path` is once every link is followed inside the root (the same as `path` without links). */
  realPath?: string;
  /** How kcheck found it: "named by etcd.yaml", "beside /var/lib/etcd", "searching /root (3 levels)". */
  foundBy?: string;
  /** Whose data it is, from its WAL; absent without a WAL. */
  identity?: DataIdentity;
  /** Why the WAL could not tell whose data it is. */
  identityProblem?: string;
}

/** Whose data an etcd data dir holds, from the metadata record of its oldest WAL segment. */
export interface DataIdentity {
  /** Hex, as `etcdctl member list` prints it. */
  memberId: string;
  clusterId: string;
  /** The WAL segment read, under `--root`. */
  wal: string;
  /** Set when `etcdctl`/`etcdutl snapshot restore` wrote this WAL. */
  restore: { members: number; at: string; atFrom: 'snap file' | 'WAL file' } | null;
  /** etcd has run on it since it was made (raft term above 1). */
  started: boolean;
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
  /** Every certificate `kubeadm certs check-expiration` lists, whether it exists, and how its key and issuer pair with it. */
  kubeadm: KubeadmPkiEntry[];
  /** How /etc/kubernetes/kubelet.conf gives the kubelet its client certificate; null without kubelet.conf. */
  kubeletClient: KubeletClient | null;
  /** The SANs of pki/apiserver.crt; null when it is missing or unreadable. */
  apiserverSans?: ApiserverSans | null;
}

/** The DNS names and IP addresses (one spelling each) the kube-apiserver's serving certificate names. */
export interface ApiserverSans {
  path: string;
  file: string;
  dns: string[];
  ips: string[];
}

/** kubelet.conf's client certificate: a file the kubelet rotates, or embedded data it never replaces. */
export interface KubeletClient {
  /** /etc/kubernetes/kubelet.conf, and under `--root`. */
  kubeconfig: string;
  kubeconfigFile: string;
  /** `file`: client-certificate names a file; `embedded`: client-certificate-data; `none`: neither; `unreadable`: no current-context user to read. */
  mode: 'file' | 'embedded' | 'none' | 'unreadable';
  user?: string;
  /** For `file`: the file as on the node and under `--root`, and what it holds. */
  path?: string;
  file?: string;
  state?: 'found' | 'missing' | 'unreadable' | 'no-certificate';
  /** ISO 8601, of the first certificate (file or embedded). */
  notBefore?: string;
  notAfter?: string;
}

/** How a private key pairs with its certificate; key material is never kept. */
export type KeyVerdict =
  | { verdict: 'matches' | 'differs' }
  /** The file holds no PEM private key block (kube-apiserver and etcd cannot load it either). */
  | { verdict: 'not-pem' }
  /** A PEM private key that node:crypto (OpenSSL) cannot load, e.g. encrypted: the reason, never the bytes. */
  | { verdict: 'unreadable'; reason: string };

/** One entry of kubeadm's certificate list (src/sources/host/kubeadm-pki.ts) as found under `--root`. */
export interface KubeadmPkiEntry {
  /** kubeadm's name: apiserver, etcd-server, admin.conf, ca, ... */
  name: string;
  kind: 'pki' | 'kubeconfig';
  /** The CA that signs it; null for a CA. */
  ca: 'ca' | 'etcd-ca' | 'front-proxy-ca' | null;
  /** Not listed by kubeadm when etcd is external. */
  localEtcdOnly: boolean;
  /** As on the node: /etc/kubernetes/pki/apiserver.crt, /etc/kubernetes/admin.conf. */
  path: string;
  /** Under `--root`. */
  file: string;
  /** As kubeadm tests it: the file is there and is not a folder. */
  exists: boolean;
  /** Its private key (the .key beside it, or the kubeconfig's client-key-data), when there is one. */
  key?: { path: string; file: string } & KeyVerdict;
  /** Whether a certificate of the CA file issued it. */
  issuer?: {
    ca: 'ca' | 'etcd-ca' | 'front-proxy-ca';
    /** The CA file, as on the node. */
    path: string;
    verdict: 'signed' | 'not-signed' | 'ca-unreadable';
    /** The certificate's issuer name. */
    actual?: string;
    /** The subjects of the CA file's certificates, when none issued it. */
    expected?: string[];
  };
}
