import type { HostFacts } from './host/types.js';
import type { ResourceDumpReport, SnapshotReport } from './snapshot/types.js';
import type { EtcdUnit } from './root/systemd-types.js';

/**
 * What every source hands to the model: raw Kubernetes objects with where they
 * came from, plus everything it could not read (never silently dropped).
 */

interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
  deletionTimestamp?: string;
  [key: string]: unknown;
}

/** A Kubernetes object as read; the model narrows it, rules never see it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

export interface FileProvenance {
  type: 'file';
  /** Path as the user gave it (relative paths stay relative). */
  file: string;
  line: number;
  column: number;
}

export interface LiveProvenance {
  type: 'live';
  /** Kubeconfig context (or cluster) name. */
  cluster: string;
}

/** Flags such as --kubectl-version: no file, no cluster object. */
interface FlagProvenance {
  type: 'flag';
  flag: string;
}

export type Provenance = FileProvenance | LiveProvenance | FlagProvenance;

export interface RawObject {
  object: KubeObject;
  provenance: Provenance;
  /** Set when the file's place on a node says what it is (e.g. /etc/kubernetes/manifests). */
  origin?: 'static-pod-manifest' | 'kubeadm-config';
}

/** A document that is there but could not be parsed: becomes a parse-error finding. */
export interface ParseProblem {
  provenance: FileProvenance;
  message: string;
}

/** A document that parsed but is not Kubernetes (and not anything else kcheck reads). */
export interface SkippedDocument {
  provenance: FileProvenance;
  reason: string;
}

/**
 * Something the scan could not see. Any gap makes the scan incomplete: the
 * report says so and the exit code is 2 (unless the user allows incomplete scans).
 */
export interface ScanGap {
  /** File path, `cluster/resource`, or other name of what was not seen. */
  what: string;
  reason: string;
  /** Model fields the gap leaves empty or partial, e.g. ['pods']; rules needing them are skipped. */
  affects?: ModelPart[];
  /** What a skipped rule says instead of "the scan could not read ...", e.g. "etcd not found on this node". */
  skipReason?: string;
}

/** Coarse parts of the model a rule may depend on; used to skip rules after a gap. */
export type ModelPart =
  | 'nodes'
  | 'pods'
  | 'workloads'
  | 'pdbs'
  | 'controlPlane'
  | 'snapshots'
  | 'host'
  | 'certificates'
  /** PersistentVolumes and their claims (a volume's node affinity pins a pod). */
  | 'volumes'
  /** Admission webhooks, APIServices and the Services behind them. */
  | 'webhooks'
  /** The etcd member of the node read with --root (its static pod or systemd unit). */
  | 'etcd';

/** `kubectl version -o json|yaml` output. */
export interface VersionReport {
  provenance: Provenance;
  clientVersion?: string;
  serverVersion?: string;
}

/** The Prometheus text an apiserver's GET /metrics returned (or the lines of it kcheck reads). */
export interface MetricsText {
  provenance: Provenance;
  text: string;
}

/** Everything the sources produced for one scan. */
export interface Inputs {
  objects: RawObject[];
  versionReports: VersionReport[];
  problems: ParseProblem[];
  skipped: SkippedDocument[];
  gaps: ScanGap[];
  /** Paths or contexts that were read, for the report header and SARIF anchoring. */
  scanned: string[];
  /** apiserver /metrics texts, for the deprecated APIs clients still request. */
  metrics?: MetricsText[];
  /** Backup folders asked for (`--backups`, the config's `backups:`); absent when none was. */
  backupLocations?: string[];
  /** The etcd snapshots found in them. */
  snapshots?: SnapshotReport[];
  /** The resource dumps (`kubectl get ... -o yaml|json` files) found in them. */
  resourceDumps?: ResourceDumpReport[];
  /** What `--root` shows beyond its manifests: etcd data dirs, TLS files, certificates. */
  host?: HostFacts;
  /** systemd services under `--root` that run etcd (external etcd). */
  etcdUnits?: EtcdUnit[];
}

export function emptyInputs(): Inputs {
  return { objects: [], versionReports: [], problems: [], skipped: [], gaps: [], scanned: [] };
}

export function mergeInputs(into: Inputs, from: Inputs): Inputs {
  // One push per object: push(...objects) throws RangeError past ~100,000
  // arguments, and a large cluster has more pods than that.
  for (const object of from.objects) into.objects.push(object);
  into.versionReports.push(...from.versionReports);
  into.problems.push(...from.problems);
  into.skipped.push(...from.skipped);
  into.gaps.push(...from.gaps);
  into.scanned.push(...from.scanned);
  if (from.metrics) (into.metrics ??= []).push(...from.metrics);
  if (from.backupLocations) (into.backupLocations ??= []).push(...from.backupLocations);
  if (from.snapshots) (into.snapshots ??= []).push(...from.snapshots);
  if (from.resourceDumps) (into.resourceDumps ??= []).push(...from.resourceDumps);
  if (from.host) into.host = from.host;
  if (from.etcdUnits) (into.etcdUnits ??= []).push(...from.etcdUnits);
  return into;
}
