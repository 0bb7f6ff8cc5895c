/**
 * What kcheck learns from one etcd snapshot file (or a raw `member/snap/db`)
 * by reading its bbolt pages itself. See REFERENCE.md §6 for the format.
 */

/**
 * - `ok`: a snapshot with a SHA-256 trailer that matches, and a database that
 *   `etcdutl snapshot restore` and a started etcd accept (`warnings` may name
 *   damage they read around).
 * - `corrupt`: damaged, truncated, or the trailer does not match: a restore, or
 *   etcd started on it, would fail or serve other data; `problems` says why.
 * - `not-etcd`: not a bbolt database at all, or a bbolt database without etcd's buckets.
 * - `unverifiable`: a sound database without a trailer (a copy of `member/snap/db`);
 *   `etcdctl snapshot restore` needs `--skip-hash-check` and cannot prove the copy is whole.
 */
export type SnapshotVerdict = 'ok' | 'corrupt' | 'not-etcd' | 'unverifiable';

/** Which part of the file a problem was found in. */
export type SnapshotPart = 'file' | 'meta' | 'trailer' | 'tree' | 'freelist' | 'etcd';

export interface SnapshotProblem {
  part: SnapshotPart;
  /** bbolt page id the problem is about, when there is one. */
  page?: number;
  /** One sentence an operator can act on, e.g. "page 7 reached twice". */
  message: string;
}

interface SnapshotTrailer {
  /** etcd appends a SHA-256 iff `size % 512 == 32` (etcdutl hasChecksum). */
  present: boolean;
  /** Hex digest stored in the last 32 bytes. */
  stored?: string;
  /** Hex digest of everything before the trailer. */
  computed?: string;
  matches?: boolean;
}

export interface MetaPageReport {
  /** 0 or 1. */
  index: 0 | 1;
  /** File offset of the page. */
  offset: number;
  valid: boolean;
  /** Why the page is unusable, when it is. */
  reason?: string;
  txid?: number;
  pageSize?: number;
  pageCount?: number;
}

export interface BboltFacts {
  pageSize: number;
  /** High-water mark from the active meta page: pages the database spans. */
  pageCount: number;
  /** `pageCount × pageSize`: what etcdctl calls total size. */
  databaseSize: number;
  txid: number;
  /** Which meta page was used (the valid one with the higher txid). */
  activeMeta: 0 | 1;
  metaPages: MetaPageReport[];
  /** Null when etcd did not write a freelist (bbolt NoFreelistSync, etcd's default). */
  freelistPage: number | null;
  /** Pages reached from the bucket trees (incl. meta and freelist pages). */
  pagesInUse: number;
  /** Pages on the freelist, or unreached pages when no freelist was written. */
  pagesFree: number;
}

export interface EtcdMember {
  /** Member id in hex, as `etcdctl member list` prints it. */
  id: string;
  name?: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface BucketSummary {
  name: string;
  entries: number;
}

/** What `etcdctl snapshot status` prints, and what etcd keeps in its `meta` bucket. */
export interface EtcdFigures {
  /** CRC-32C (Castagnoli) over bucket names, keys and values in iteration order. */
  hash: number;
  /** Main revision of the last entry of the `key` bucket (etcdctl's REVISION). */
  revision: number;
  /** meta/finishedCompactRev: revisions up to here were compacted away. */
  compactRevision?: number;
  /** meta/scheduledCompactRev. */
  scheduledCompactRevision?: number;
  /** The store's real revision: max(revision, compactRevision). */
  latestRevision: number;
  /** etcdctl 3.4/3.5 TOTAL KEYS: every entry of every bucket. */
  totalKeys: number;
  /** etcdutl 3.6 TOTAL KEYS: distinct user keys whose last revision is not a deletion. */
  liveKeys: number;
  /** etcdctl TOTAL SIZE: pageCount × pageSize (not the file size). */
  totalSize: number;
  /** Entries of the `key` bucket (every kept revision of every key). */
  keyRevisions: number;
  /** Deletion markers among them. */
  tombstones: number;
  consistentIndex?: number;
  /** Raft term (meta/term, etcd 3.5+). */
  term?: number;
  /** meta/storageVersion (etcd 3.6+); etcdutl 3.6 prints it as VERSION. */
  storageVersion?: string;
  members: EtcdMember[];
  buckets: BucketSummary[];
  /** False when damage stopped part of the walk: the figures then cover only what could be read. */
  complete: boolean;
}

export interface ResourceCount {
  /** `pods`, `minions` (nodes), `apiextensions.k8s.io/customresourcedefinitions`, ... */
  resource: string;
  total: number;
  clusterScoped: number;
  byNamespace: Record<string, number>;
}

export interface EncryptionKeyCount {
  /** aescbc, aesgcm, secretbox, kms, ... */
  provider: string;
  /** v1, v2 (kms v2). */
  version: string;
  /** Key (or KMS plugin) name from the EncryptionConfiguration. */
  keyName: string;
  count: number;
}

export interface ValueEncodings {
  /** `k8s\0` prefix: protobuf as the apiserver writes built-in types. */
  protobuf: number;
  /** `k8s:enc:` prefix: encrypted at rest. */
  encrypted: number;
  /** JSON (custom resources). */
  json: number;
  other: number;
}

/** The Kubernetes keys the snapshot would bring back on restore. */
export interface KubernetesView {
  /** Live keys under `/registry/` (latest revision per key, not deleted). */
  liveKeys: number;
  resources: ResourceCount[];
  values: ValueEncodings;
  encryptionKeys: EncryptionKeyCount[];
  /** Live `/registry/secrets/` values stored without encryption at rest. */
  unencryptedSecrets: number;
  /** Names under `/registry/namespaces/`. */
  namespaces: string[];
  /** Names under `/registry/minions/` (the Node objects). */
  nodes: string[];
}

export interface SnapshotReport {
  /** Path as given. */
  file: string;
  fileSize: number;
  /** File modification time, ISO 8601. */
  fileMtime: string;
  verdict: SnapshotVerdict;
  /** Why the verdict is `corrupt` or `not-etcd`; empty otherwise. */
  problems: SnapshotProblem[];
  /**
   * Damage that etcd itself reads around, where kcheck is stricter than etcd:
   * a restore succeeds and the started etcd serves the same data (e.g. one
   * damaged meta page beside a valid copy of it, bytes etcd never reads).
   * Any verdict may carry them; they never make a file `corrupt`.
   */
  warnings: SnapshotProblem[];
  /** Facts that are not damage, e.g. "no SHA-256 trailer". */
  notes: string[];
  trailer: SnapshotTrailer;
  /** Present when a usable meta page was found. */
  bbolt?: BboltFacts;
  /** Present when the database holds etcd's buckets. */
  etcd?: EtcdFigures;
  /** Present with `etcd`; empty counts when no `/registry/` key exists. */
  kubernetes?: KubernetesView;
}

export interface InspectOptions {
  /** Files at least this big are hashed on a worker thread, beside the tree walk. Default 64 MiB. */
  workerHashThreshold?: number;
}

/** A file that exists but cannot be read at all (permissions, a directory, gone). */
export class SnapshotReadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'SnapshotReadError';
  }
}

/**
 * What a resource dump under `--backups` holds: a `List` or a stream of
 * Kubernetes objects, as `kubectl get ... -o yaml|json` writes them. Only
 * counts are kept, never the objects: a dump's Secrets are counted, their
 * values are never read into the report.
 */
export interface ResourceDumpReport {
  file: string;
  /** The file's modification time (ISO-8601). */
  fileMtime: string;
  /** The newest metadata.managedFields[].time or metadata.creationTimestamp inside (ISO-8601), or null. */
  newestObjectTime: string | null;
  /** Which of the two gave newestObjectTime. */
  newestObjectTimeFrom: 'managedFields' | 'creationTimestamp' | null;
  objects: number;
  /** Objects per `group/Kind` (`Kind` alone for the core group) and namespace (`` for cluster-scoped ones). */
  counts: Record<string, Record<string, number>>;
}
