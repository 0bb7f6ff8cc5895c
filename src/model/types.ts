import type { EtcdDataDir, HostFile } from '../sources/host/types.js';
import type { SnapshotReport } from '../sources/snapshot/types.js';
import type { ModelPart, ParseProblem, Provenance, ScanGap, SkippedDocument } from '../sources/types.js';

/** Where an object came from, what could not be read and which parts of the model that leaves unseen: the sources' words, carried by the model. */
export type { ModelPart };
/** A data dir on the node and a snapshot file, as the sources measured them: the model's words for them too. */
export type { EtcdDataDir };
import type { Version } from './version.js';

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
type VersionSource =
  | 'static-pod-image'
  | 'pod-image'
  | 'server-version'
  | 'kubeadm-config'
  | 'node-info'
  | 'kubectl-version'
  | 'flag'
  /** The Debian/Ubuntu package that installed a systemd-run etcd (dpkg's status). */
  | 'package';

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
  type: 'emptyDir' | 'hostPath' | 'persistentVolumeClaim' | 'ephemeral' | 'configMap' | 'secret' | 'projected' | 'other';
  hostPath?: string;
  /** The PersistentVolumeClaim it mounts: persistentVolumeClaim.claimName, or `<pod>-<volume>` for a generic ephemeral volume. */
  claimName?: string;
}

/** A required pod (anti-)affinity term: pods matching the selector, in these namespaces, within the same topologyKey domain. */
export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  /** Empty with no namespaceSelector: the pod's own namespace. */
  namespaces: string[];
  /** `{}` selects every namespace. */
  namespaceSelector?: LabelSelector;
  topologyKey: string;
}

/** A topologySpreadConstraint (only whenUnsatisfiable: DoNotSchedule ones keep a pod off a node). */
export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector?: LabelSelector;
  minDomains?: number;
  /** Honor (default) or Ignore. */
  nodeAffinityPolicy: string;
  /** Ignore (default) or Honor. */
  nodeTaintsPolicy: string;
  matchLabelKeys: string[];
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
  /** metadata.deletionTimestamp: when the pod's grace period ends. */
  deletionTimestamp?: string;
  /** metadata.finalizers: the pod object stays until each is removed. */
  finalizers?: string[];
  /** spec.terminationGracePeriodSeconds (the API server defaults it to 30). */
  terminationGracePeriodSeconds?: number;
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
  /** Required pod affinity and anti-affinity terms (requiredDuringSchedulingIgnoredDuringExecution). */
  podAffinity?: PodAffinityTerm[];
  podAntiAffinity?: PodAffinityTerm[];
  topologySpread?: TopologySpreadConstraint[];
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
  /** metadata.generation, set by the API server (absent in a manifest that was never applied). */
  generation?: number;
  /** status.observedGeneration: the generation the disruption controller last processed. */
  observedGeneration?: number;
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
  /** --grace-period in seconds; absent or negative: each pod's terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number;
  /** --timeout in seconds; absent or 0: no timeout. */
  timeoutSeconds?: number;
  /** --pod-selector: only the node's pods with these labels are drained. */
  podSelector?: string;
  /** --skip-wait-for-delete-timeout in seconds; absent or 0: wait for every pod. */
  skipWaitForDeleteTimeoutSeconds?: number;
  /** --dry-run: server (the API server answers, nothing changes) or client (nothing is sent). */
  dryRun?: 'server' | 'client';
}

/** A drain about to happen (`kcheck drain NODE`, or one step of a plan). */
export interface DrainIntent {
  nodes: string[];
  flags: DrainFlags;
  /** Kinds the input lists in full, so that none read means none exist (a live read lists its kinds even when empty). */
  listedKinds?: string[];
}

/** A namespace; objects cannot be created in one that is Terminating (NamespaceLifecycle admission). */
export interface Namespace {
  name: string;
  labels: Record<string, string>;
  /** status.phase is Terminating. */
  terminating: boolean;
  subject: Subject;
}

/** A PersistentVolumeClaim and the volume bound to it. */
export interface VolumeClaim {
  namespace: string;
  name: string;
  /** spec.volumeName, once bound. */
  volumeName?: string;
  subject: Subject;
}

/** A PersistentVolume's node affinity: the nodes a pod using it can run on (terms ORed, requirements ANDed). */
export interface PersistentVolume {
  name: string;
  nodeAffinity: NodeSelectorRequirement[][];
  subject: Subject;
}

/** A Service named by a webhook or an APIService. */
export interface ServiceRef {
  namespace: string;
  name: string;
}

/** One webhook of a Validating- or MutatingWebhookConfiguration. */
export interface AdmissionWebhook {
  configuration: string;
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  name: string;
  /** Fail (the default in admissionregistration.k8s.io/v1) or Ignore. */
  failurePolicy: string;
  /** clientConfig.service; absent for a webhook reached by URL. */
  service?: ServiceRef;
  rules: { operations: string[]; apiGroups: string[]; resources: string[] }[];
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  subject: Subject;
}

/** An APIService served by a Service in the cluster (spec.service); local ones have none. */
export interface ApiService {
  name: string;
  service?: ServiceRef;
  subject: Subject;
}

export interface Service {
  namespace: string;
  name: string;
  /** spec.selector; absent for a Service whose endpoints are managed by hand. */
  selector?: Record<string, string>;
  subject: Subject;
}

/** Any object read, for rules that look at every object (apiVersion, annotations). */
export interface ObjectRecord {
  apiVersion: string;
  kind: string;
  subject: Subject;
  /** The apiVersion and kind its kubectl.kubernetes.io/last-applied-configuration annotation was written with, when different. */
  lastApplied?: { apiVersion: string; kind: string };
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
  /** Namespaces, PVs and their claims, webhooks, APIServices and Services, as far as the input has them. */
  namespaces?: Namespace[];
  volumeClaims?: VolumeClaim[];
  persistentVolumes?: PersistentVolume[];
  webhooks?: AdmissionWebhook[];
  apiServices?: ApiService[];
  services?: Service[];
  /** Set for `kcheck drain NODE` and plan steps: drain rules then look at these nodes only, not every node. */
  drain?: DrainIntent;
  /** etcd static pods (from `--root`, manifest paths or mirror pods) and how their data dir is wired. */
  etcd: EtcdStaticPod[];
  /** Certificate, key and CA files the node root's etcd and kube-apiserver flags name. */
  etcdTlsFiles: TlsFile[];
  /** etcd members run by systemd on the node read with `--root` (external etcd). */
  etcdServices: EtcdService[];
  /** kubeadm's ClusterConfiguration etcd.external entries the node root's kubeadm configuration holds. */
  externalEtcd: ExternalEtcd[];
  /** Snapshots and resource dumps in the backup locations; null when no location was given. */
  backups: Backups | null;
  /** Velero's Backups, Schedules, storage and snapshot locations and Restores, as the input has them. */
  velero: Velero;
  /** How long the maintenance ahead lasts (`--window`, default 24h): a backup must outlive it. */
  window: MaintenanceWindow;
  /** Certificates under `--root`'s /etc/kubernetes; null without `--root`. */
  certificates: Certificates | null;
  /** The node root read with `--root`, when one was. */
  nodeRoot: string | null;
}

export interface Certificate {
  /**
   * As `kubeadm certs check-expiration` names it (apiserver, etcd-server,
   * admin.conf, ca, ...), else its path on the node for a certificate kubeadm
   * does not manage.
   */
  name: string;
  /** `kubeadm certs renew <name>` renews it. */
  renewable: boolean;
  /** A certificate authority (basicConstraints CA:TRUE). */
  authority: boolean;
  /** As on the node: /etc/kubernetes/pki/apiserver.crt, /etc/kubernetes/admin.conf. */
  path: string;
  notBefore: Date;
  notAfter: Date;
  subjectName: string;
  issuer: string;
  /** Static pods that read it only at start and must be restarted after a renewal. */
  restart: string[];
  subject: Subject;
}

export interface Certificates {
  /** Whether /etc/kubernetes/pki exists under the root. */
  pkiFound: boolean;
  list: Certificate[];
  /** The certificates `kubeadm certs check-expiration` lists, each found or missing, with its key and issuer pairings. */
  kubeadm: KubeadmCertificateState[];
  /** How kubelet.conf gives the kubelet its client certificate; null without /etc/kubernetes/kubelet.conf. */
  kubelet: KubeletClientState | null;
  /** pki/apiserver.crt's SANs against those kubeadm gives it; null without that certificate or a kube-apiserver static pod. */
  apiserverSans?: ApiserverSansState | null;
}

/** One name kubeadm puts in the kube-apiserver's serving certificate, and what it comes from. */
export interface ExpectedSan {
  kind: 'DNS' | 'IP';
  /** One spelling: IPs as node:net writes them, DNS names as given. */
  value: string;
  /** `--advertise-address`, `controlPlaneEndpoint`, `apiServer.certSANs`, `--service-cluster-ip-range` or `kubeadm default`. */
  from: string;
}

export interface ApiserverSansState {
  /** /etc/kubernetes/pki/apiserver.crt. */
  path: string;
  dns: string[];
  ips: string[];
  expected: ExpectedSan[];
  /** Names kubeadm adds that the node root does not say (the node name, a service subnet not given): not checked. */
  unchecked: string[];
  subject: Subject;
}

/** kubelet.conf's client certificate: rotated by the kubelet in a file, or embedded and never rotated. */
export interface KubeletClientState {
  /** `file`: client-certificate names a file; `embedded`: client-certificate-data; `none`: neither; `unreadable`: no current-context user. */
  mode: 'file' | 'embedded' | 'none' | 'unreadable';
  user: string | null;
  /** For `file`: the file as on the node, and what is there. */
  path: string | null;
  state: 'found' | 'missing' | 'unreadable' | 'no-certificate' | null;
  notBefore: Date | null;
  notAfter: Date | null;
  /** kubelet.conf, or the certificate file for a file that is there. */
  subject: Subject;
}

/** One certificate of kubeadm's list (admin.conf, apiserver, ..., the CAs) as the node has it. */
export interface KubeadmCertificateState {
  /** kubeadm's name, which `kubeadm certs renew` and `kubeadm init phase certs|kubeconfig` take. */
  name: string;
  kind: 'pki' | 'kubeconfig';
  /** The CA that signs it; null for a CA. */
  ca: 'ca' | 'etcd-ca' | 'front-proxy-ca' | null;
  /** Left out of kubeadm's list when its ClusterConfiguration has etcd.external (the etcd certificates and apiserver-etcd-client). */
  localEtcdOnly: boolean;
  /** As on the node. */
  path: string;
  exists: boolean;
  /** Static pods that read it only at start: restarted after it is replaced. */
  restart: string[];
  /** Its private key and whether it holds the certificate's public key; absent when there is no key to compare. */
  key?: { path: string; /** Under `--root` (for a kubeconfig: the kubeconfig). */ file: string; verdict: 'matches' | 'differs' | 'not-pem' | 'unreadable'; reason?: string };
  /** Whether the CA file kubeadm signs it with issued it; absent for a CA or an unreadable certificate. */
  issuer?: { ca: string; path: string; verdict: 'signed' | 'not-signed' | 'ca-unreadable'; actual?: string; expected?: string[] };
  subject: Subject;
}

/** Where an etcd pod spec came from, which decides what can be checked about it. */
export type EtcdPodOrigin =
  /** `--root`'s /etc/kubernetes/manifests: the node's files can be checked too. */
  | 'node-root'
  /** A manifest file given as a path. */
  | 'manifest'
  /** The mirror pod the kubelet posts for a static pod (`kubectl get pods -o yaml`). */
  | 'mirror-pod';

/** What `--root` shows of the host directory etcd uses and of restored copies beside it. */
export interface EtcdHostData {
  /** The directory etcd uses (null when its data dir is on no hostPath). */
  inUse: EtcdDataDir | null;
  /** Every other data dir (a folder holding `member/`) beside it and where operators put restores, each with how it was found. */
  restored: EtcdDataDir[];
}

export interface EtcdStaticPod {
  subject: Subject;
  origin: EtcdPodOrigin;
  /** spec.nodeName of a mirror pod. */
  node?: string;
  /** The data dir etcd is told to use, inside the container. */
  dataDir: string;
  /** `--data-dir`, the ETCD_DATA_DIR variable, or etcd's default `<name>.etcd` in its working directory. */
  dataDirFrom: 'flag' | 'env' | 'default';
  /** Where the data dir is: its mount, volume and the host directory etcd really uses (hostPath.path + the data dir's place under its mountPath). */
  data: ContainerPath;
  /** The mount named etcd-data, wherever it points. */
  etcdDataMount: VolumeMountView | null;
  /** `--name`, `--initial-cluster`, `--initial-advertise-peer-urls`, when given. */
  memberName: string | null;
  initialCluster: string | null;
  advertisePeerUrls: string | null;
  /** Only for pods read from `--root`. */
  hostData: EtcdHostData | null;
  /** Why etcd exits at once in this container (a flag and its ETCD_* variable both set); null when it starts. */
  startFailure: string | null;
}

/** A certificate, key or CA file a static pod's flag names. */
export interface TlsFile {
  component: 'etcd' | 'kube-apiserver';
  /** Where the name was written when not in a static pod: an etcd systemd unit or kubeadm's etcd.external (a node path, no container). */
  origin?: 'systemd-unit' | 'kubeadm-config';
  /** `--cert-file`, `--etcd-keyfile`, ... */
  flag: string;
  /** The path inside the container and where it is on the node. */
  at: ContainerPath;
  /** What the node root holds there; null when the path is on no hostPath volume. */
  onHost: HostFile | null;
  subject: Subject;
}

/** How an etcd setting got its value: etcd's flag, its ETCD_* variable, its --config-file, or etcd's default. */
type EtcdSettingSource = 'flag' | 'env' | 'config-file' | 'default';

/** One etcd setting of a systemd-run etcd, with the file and line that gave it. */
export interface EtcdServiceSetting {
  value: string;
  from: EtcdSettingSource;
  /** The unit, environment file or config file line; null for a default. */
  at: { path: string; file: string; line: number } | null;
}

/**
 * An etcd member run by a systemd service (external etcd), as it would
 * start: the unit with its drop-ins and environment files, etcd's flags over
 * its ETCD_* variables. Its data dir is a node path (no container).
 */
export interface EtcdService {
  /** The unit (ref kind `SystemdUnit`), located at its ExecStart= line. */
  subject: Subject;
  /** `etcd.service`. */
  unit: string;
  /** The unit file and drop-ins, under `--root`, in the order systemd applies them. */
  files: string[];
  /** Why systemd does not start it (masked, ExecStart= problems, a required EnvironmentFile= missing); null when it does. */
  refused: string | null;
  /** Masked (systemctl mask): switched off on purpose, so not this node's etcd. */
  masked: boolean;
  /** Why etcd exits at once with this command line and environment (a flag and its ETCD_* variable both set, a bad flag, an unreadable --config-file); null when it starts. */
  startFailure: string | null;
  /** The command line etcd receives, variables expanded. */
  argv: string[];
  /** The data dir etcd uses, an absolute node path (a relative one is taken from WorkingDirectory=, `/` by default). */
  dataDir: EtcdServiceSetting;
  memberName: EtcdServiceSetting | null;
  initialCluster: EtcdServiceSetting | null;
  advertisePeerUrls: EtcdServiceSetting | null;
  /** What the root shows of the data dir and of restored copies beside it. */
  hostData: EtcdHostData | null;
}

/** kubeadm's ClusterConfiguration etcd.external: the etcd the control plane uses, outside kubeadm's care. */
export interface ExternalEtcd {
  endpoints: string[];
  subject: Subject;
}

export interface BackupSnapshot {
  file: string;
  report: SnapshotReport;
  /** When it was taken: the time in its file name when there is one, else its modification time. */
  takenAt: Date;
  takenAtFrom: 'file name' | 'file time';
  /**
   * `etcdctl snapshot restore` can bring the cluster back from it: a sound
   * database (with a matching trailer, or a raw copy restored with
   * --skip-hash-check) that holds Kubernetes objects.
   */
  restorable: boolean;
  subject: Subject;
}

interface BackupLocation {
  /** As given (`--backups DIR`, or the config's `backups:` entry relative to the config file). */
  path: string;
  snapshots: BackupSnapshot[];
  dumps: ResourceDump[];
}

/** The backup locations a scan was asked to check and the snapshots and resource dumps in them. */
export interface Backups {
  locations: BackupLocation[];
  snapshots: BackupSnapshot[];
  dumps: ResourceDump[];
}

/**
 * A resource dump: a file of Kubernetes objects as `kubectl get ... -o
 * yaml|json` writes it (`kubectl get all -A -o yaml > everything.yaml`).
 * Only counts are kept: what kinds, in which namespaces, how many.
 */
export interface ResourceDump {
  file: string;
  /** When it was taken: the time in its file name, else the file's modification time, else (when that is older) the newest time inside. */
  takenAt: Date;
  takenAtFrom: 'file name' | 'file time' | 'newest managedFields time' | 'newest creationTimestamp';
  /** The newest managedFields time or creationTimestamp inside: the dump cannot be older. */
  notBefore: Date | null;
  objects: number;
  /** Objects per kind (`apps/Deployment`, `Pod`) and namespace (`` for cluster-scoped ones). */
  counts: Record<string, Record<string, number>>;
  /** Objects of kind Secret (core group): their data is base64, not encrypted. */
  secrets: number;
  /** Every kind it holds is one `kubectl get all` lists (the "all" category): it was made with `get all`. */
  getAllOnly: boolean;
  subject: Subject;
}

/** `--window`: the maintenance ahead, which every backup it may need must outlive. */
export interface MaintenanceWindow {
  ms: number;
  /** As given (`24h`, `4h`). */
  text: string;
}

/** The velero.io/v1 objects read (from a cluster, or files that hold them). */
export interface Velero {
  /** Any Velero object was read: Velero is in use and its rules judge. */
  inUse: boolean;
  /** Velero resources a live read could not list (forbidden, malformed): the Velero rules do not judge then. */
  unread: string[];
  backups: VeleroBackup[];
  schedules: VeleroSchedule[];
  storageLocations: VeleroStorageLocation[];
  snapshotLocations: VeleroSnapshotLocation[];
  restores: VeleroRestore[];
}

/** What a Backup (or a Schedule's template) selects: velero.io/v1 BackupSpec. */
export interface VeleroBackupSpec {
  /** Empty, or holding `*`: every namespace. Entries are globs. */
  includedNamespaces: string[];
  excludedNamespaces: string[];
  labelSelector?: LabelSelector;
  orLabelSelectors: LabelSelector[];
  /** null: unset (Velero then snapshots volumes when a snapshot location is configured). */
  snapshotVolumes: boolean | null;
  /** null: unset (the server's --default-volumes-to-fs-backup, false by default). */
  defaultVolumesToFsBackup: boolean | null;
  snapshotMoveData: boolean | null;
  storageLocation?: string;
  volumeSnapshotLocations: string[];
  /** spec.ttl as written (`720h0m0s`). */
  ttl?: string;
}

export interface VeleroBackup {
  namespace: string;
  name: string;
  spec: VeleroBackupSpec;
  /** status.phase; '' before Velero's controller saw it. */
  phase: string;
  /** The Schedule that made it (label velero.io/schedule-name). */
  schedule?: string;
  /** status.startTimestamp, else metadata.creationTimestamp. */
  startedAt: Date | null;
  /** status.completionTimestamp. */
  completedAt: Date | null;
  /** status.expiration: when Velero's garbage collection may delete it. */
  expiration: Date | null;
  errors: number;
  warnings: number;
  subject: Subject;
}

export interface VeleroSchedule {
  namespace: string;
  name: string;
  /** spec.schedule, a cron expression as robfig/cron's ParseStandard reads it. */
  cron: string;
  /** The longest time between two runs of the cron expression; null when it does not parse. */
  intervalMs: number | null;
  /** Why the cron expression does not parse; null when it does. */
  cronError: string | null;
  paused: boolean;
  /** status.phase: New, Enabled or FailedValidation. */
  phase: string;
  /** status.lastBackup. */
  lastBackup: Date | null;
  template: VeleroBackupSpec;
  subject: Subject;
}

export interface VeleroStorageLocation {
  namespace: string;
  name: string;
  default: boolean;
  /** status.phase: Available, Unavailable, or '' before validation. */
  phase: string;
  message?: string;
  lastValidated: Date | null;
  subject: Subject;
}

export interface VeleroSnapshotLocation {
  namespace: string;
  name: string;
  provider: string;
  subject: Subject;
}

export interface VeleroRestore {
  namespace: string;
  name: string;
  backupName?: string;
  phase: string;
  subject: Subject;
}

/** A deprecated group/version/resource that clients still request, read from the metric. */
export interface RequestedDeprecatedApi {
  group: string;
  version: string;
  resource: string;
  /** e.g. `status`; empty for the resource itself. */
  subresource: string;
  /** `1.25`, or null when the server plans no removal. */
  removedRelease: string | null;
  /** The apiserver whose /metrics said so. */
  provenance: Provenance;
}

export interface VolumeMountView {
  name: string;
  mountPath: string;
  readOnly: boolean;
  subPath?: string;
}

export interface VolumeView {
  name: string;
  kind: 'hostPath' | 'emptyDir' | 'other';
  /** hostPath.path. */
  hostPath?: string;
  /** hostPath.type: DirectoryOrCreate, Directory, File, ... ('' when unset). */
  hostPathType?: string;
}

/** Where a path inside a container lives: which mount holds it, and where that is on the node. */
export interface ContainerPath {
  /** The path inside the container. */
  path: string;
  /** The deepest volume mount holding the path; null when none does (the path is in the container's own layer). */
  mount: VolumeMountView | null;
  /** The volume the mount names; null when the pod declares no such volume. */
  volume: VolumeView | null;
  /** The path on the node, when a hostPath volume holds it. */
  hostPath: string | null;
}
