import type { ModelPart, ParseProblem, Provenance, ScanGap, SkippedDocument } from '../sources/types.js';
import type { Version } from './version.js';
import type { RequestedDeprecatedApi } from './deprecated-api-metrics.js';
import type { Certificates } from './certificates.js';
import type { EtcdStaticPod } from './etcd.js';
import type { TlsFile } from './etcd-tls.js';
import type { Backups } from './snapshots.js';

/** How an object is named in findings and reports. */
export interface ObjectRef {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * Anything a rule can report on: an object (or a flag, or the cluster as a
 * whole) with where it came from and the annotations used for suppression.
 */
export interface Subject {
  ref: ObjectRef | null;
  provenance: Provenance | null;
  annotations?: Record<string, string>;
}

export type ComponentName =
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'cloud-controller-manager'
  | 'etcd'
  | 'kubelet'
  | 'kube-proxy'
  | 'kubectl'
  | 'kubeadm';

/** Where a component version was learned. */
export type VersionSource =
  | 'static-pod-image'
  | 'pod-image'
  | 'server-version'
  | 'kubeadm-config'
  | 'node-info'
  | 'kubectl-version'
  | 'flag';

export interface ComponentVersion {
  component: ComponentName;
  /** null when the version cannot be known (e.g. image `:latest` or a digest only). */
  version: Version | null;
  /** The text the version was read from (an image, a version string). */
  raw: string;
  source: VersionSource;
  /** Node the instance runs on, when known. */
  node?: string;
  subject: Subject;
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
}

/** Resource quantities in base units: cpu in millicores, memory and storage in bytes. */
export type Resources = Record<string, number>;

export interface Node {
  name: string;
  labels: Record<string, string>;
  kubeletVersion: Version | null;
  kubeletVersionRaw?: string;
  kubeProxyVersion: Version | null;
  kubeProxyVersionRaw?: string;
  unschedulable: boolean;
  taints: Taint[];
  ready: boolean | null;
  controlPlane: boolean;
  allocatable: Resources;
  subject: Subject;
}

export interface ControllerRef {
  kind: string;
  name: string;
  uid?: string;
  apiVersion?: string;
}

export interface PodVolume {
  name: string;
  type: 'emptyDir' | 'hostPath' | 'persistentVolumeClaim' | 'configMap' | 'secret' | 'projected' | 'other';
  hostPath?: string;
}

/** A required node-affinity term: all expressions must match (terms are ORed). */
export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt' | string;
  values?: string[];
  /** From `matchFields`: compares a node field (only `metadata.name` exists) instead of a label. */
  field?: boolean;
}

export interface Pod {
  namespace: string;
  name: string;
  uid?: string;
  labels: Record<string, string>;
  nodeName?: string;
  phase?: string;
  /** True when the pod has a deletionTimestamp (already terminating). */
  deleting: boolean;
  /** Static pod mirror (annotation kubernetes.io/config.mirror). */
  mirror: boolean;
  /** The ownerReference with controller: true, if any. */
  controller?: ControllerRef;
  /** Top of the controller chain when known: Pod → ReplicaSet → Deployment, Job → CronJob. */
  topController?: ControllerRef;
  ready: boolean;
  volumes: PodVolume[];
  /** Sum of container requests (plus the largest init container, as the scheduler counts). */
  requests: Resources;
  tolerations: Toleration[];
  nodeSelector: Record<string, string>;
  requiredNodeAffinity: NodeSelectorRequirement[][];
  hostPorts: number[];
  images: string[];
  subject: Subject;
}

export interface Workload {
  kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'ReplicationController';
  namespace: string;
  name: string;
  uid?: string;
  replicas?: number;
  selector?: LabelSelector;
  controller?: ControllerRef;
  /** spec.template.metadata.labels (for a CronJob, the job template's pod template). */
  podLabels?: Record<string, string>;
  subject: Subject;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: NodeSelectorRequirement[];
}

export interface PodDisruptionBudget {
  namespace: string;
  name: string;
  selector?: LabelSelector;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  /** status.disruptionsAllowed when the object came from a cluster. */
  disruptionsAllowed?: number;
  /** `ns/name` of the pods it selects (see pdbSelectsPod in walks.ts for the selector semantics). */
  selectedPods?: string[];
  /**
   * Evictions it allows right now: status.disruptionsAllowed when present, else
   * computed from the pods read the way the disruption controller does; null when unknown.
   */
  allowedDisruptions?: number | null;
  /** status.currentHealthy / desiredHealthy (or computed), used for not-ready pods. */
  currentHealthy?: number;
  desiredHealthy?: number;
  /** spec.unhealthyPodEvictionPolicy: IfHealthyBudget (default) or AlwaysAllow. */
  unhealthyPodEvictionPolicy?: string;
  /** Why the spec alone blocks every eviction (`maxUnavailable: 0`, `minAvailable: 100%`, ...), or null. */
  blocksEveryEviction?: string | null;
  subject: Subject;
}

/** `kubectl drain` flags that change what happens to a pod. */
export interface DrainFlags {
  ignoreDaemonsets: boolean;
  deleteEmptydirData: boolean;
  force: boolean;
  disableEviction: boolean;
}

/** A drain about to happen (`kcheck drain NODE`, or one step of a plan). */
export interface DrainIntent {
  nodes: string[];
  flags: DrainFlags;
}

/** Any object read, for rules that look at every object (apiVersion, annotations). */
export interface ObjectRecord {
  apiVersion: string;
  kind: string;
  subject: Subject;
}

export interface ClusterModel {
  /** The moment the state was captured; rules never read a clock. */
  capturedAt: Date;
  /** Upgrade target when asked for (`--target`), minor precision. */
  target: Version | null;
  /** Name of the cluster or context, when known. */
  cluster: string | null;
  components: ComponentVersion[];
  nodes: Node[];
  pods: Pod[];
  workloads: Workload[];
  pdbs: PodDisruptionBudget[];
  objects: ObjectRecord[];
  /** Deprecated API versions clients still request, from the apiserver's apiserver_requested_deprecated_apis metric. */
  requestedDeprecatedApis: RequestedDeprecatedApi[];
  problems: ParseProblem[];
  skipped: SkippedDocument[];
  gaps: ScanGap[];
  /** Parts of the model that are known to be incomplete. */
  incomplete: Set<ModelPart>;
  /** Paths and contexts that were read. */
  scanned: string[];
  /** Set for `kcheck drain NODE` and plan steps: drain rules then look at these nodes only, not every node. */
  drain?: DrainIntent;
  /** etcd static pods (from `--root`, manifest paths or mirror pods) and how their data dir is wired. */
  etcd: EtcdStaticPod[];
  /** Certificate, key and CA files the node root's etcd and kube-apiserver flags name. */
  etcdTlsFiles: TlsFile[];
  /** Snapshots in the backup locations; null when no location was given. */
  backups: Backups | null;
  /** Certificates under `--root`'s /etc/kubernetes; null without `--root`. */
  certificates: Certificates | null;
  /** The node root read with `--root`, when one was. */
  nodeRoot: string | null;
}
