import { apiCall, type ApiTarget } from './api.js';

/**
 * The objects the live tests read: a small kubeadm-style cluster with one
 * control-plane node and three workers. No controller or kubelet runs, so
 * every owner chain, node assignment and status (nodes, pods, workloads,
 * PDBs) is written here, the way the controllers would have left it.
 */

type Json = Record<string, unknown>;

export const FIXTURE = {
  controlPlaneNode: 'cp-1',
  workers: ['worker-1', 'worker-2', 'worker-3'],
  /** kubelet version per node (status.nodeInfo). */
  kubeletVersions: { 'cp-1': 'v1.35.4', 'worker-1': 'v1.35.4', 'worker-2': 'v1.34.3', 'worker-3': 'v1.32.9' } as Record<string, string>,
  namespaces: ['shop', 'batch', 'legacy'],
  /** Pods kcheck should see on worker-1 and what `kubectl drain` makes of each. */
  worker1Pods: {
    'kube-system/kube-proxy-worker-1': 'DaemonSet pod: ignored with --ignore-daemonsets',
    'shop/web-7d4b9c8f5d-w1x2k': 'ReplicaSet pod, PDB shop/web allows 1 disruption',
    'shop/cache-5f6d7c8b9a-q8r4t': 'emptyDir volume, PDB shop/cache allows no disruption',
    'default/debug': 'no controller: needs --force',
  } as Record<string, string>,
  /** A Secret that exists so tests can show kcheck never asks for it. */
  secret: 'default/db-password',
} as const;

const STARTED = '2026-01-05T08:00:00Z';

function ready(): Json[] {
  return [
    { type: 'Initialized', status: 'True', lastTransitionTime: STARTED },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: STARTED },
    { type: 'ContainersReady', status: 'True', lastTransitionTime: STARTED },
    { type: 'Ready', status: 'True', lastTransitionTime: STARTED },
  ];
}

interface PodSpecInput {
  name: string;
  namespace: string;
  node: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: Json;
  containers: { name: string; image: string; requests?: Record<string, string>; command?: string[] }[];
  volumes?: Json[];
  extraSpec?: Json;
  phase?: 'Running' | 'Succeeded';
}

function podBody(p: PodSpecInput): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: p.labels ?? {},
      ...(p.annotations ? { annotations: p.annotations } : {}),
      ...(p.owner ? { ownerReferences: [p.owner] } : {}),
    },
    spec: {
      nodeName: p.node,
      containers: p.containers.map((c) => ({
        name: c.name,
        image: c.image,
        ...(c.command ? { command: c.command } : {}),
        ...(c.requests ? { resources: { requests: c.requests } } : {}),
      })),
      ...(p.volumes ? { volumes: p.volumes } : {}),
      ...p.extraSpec,
    },
  };
}

function podStatus(p: PodSpecInput): Json {
  const phase = p.phase ?? 'Running';
  return {
    status: {
      phase,
      conditions: phase === 'Running' ? ready() : [{ type: 'PodScheduled', status: 'True', lastTransitionTime: STARTED }],
      hostIP: '10.0.0.1',
      startTime: STARTED,
      containerStatuses: p.containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: phase === 'Running',
        restartCount: 0,
        state:
          phase === 'Running'
            ? { running: { startedAt: STARTED } }
            : { terminated: { exitCode: 0, reason: 'Completed', startedAt: STARTED, finishedAt: STARTED } },
      })),
    },
  };
}

function ownerRef(apiVersion: string, kind: string, created: unknown): Json {
  const meta = (created as { metadata: { name: string; uid: string } }).metadata;
  return { apiVersion, kind, name: meta.name, uid: meta.uid, controller: true, blockOwnerDeletion: true };
}

const MERGE = 'application/merge-patch+json';

export interface FixtureSummary {
  nodes: number;
  pods: number;
  objects: Record<string, number>;
}

/** Creates the fixture objects with the admin token. Call once per fresh cluster. */
export async function loadFixtures(admin: ApiTarget): Promise<FixtureSummary> {
  const counts: Record<string, number> = {};
  const create = async (path: string, body: Json): Promise<unknown> => {
    const created = await apiCall(admin, 'POST', path, body);
    const kind = String(body.kind);
    counts[kind] = (counts[kind] ?? 0) + 1;
    return created;
  };
  const setStatus = (path: string, status: Json): Promise<unknown> => apiCall(admin, 'PATCH', `${path}/status`, status, MERGE);
  const ns = (namespace: string, resource: string, group = ''): string =>
    group ? `/apis/${group}/namespaces/${namespace}/${resource}` : `/api/v1/namespaces/${namespace}/${resource}`;

  const pod = async (p: PodSpecInput): Promise<void> => {
    await create(ns(p.namespace, 'pods'), podBody(p));
    await setStatus(`${ns(p.namespace, 'pods')}/${p.name}`, podStatus(p));
  };

  for (const name of FIXTURE.namespaces) await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

  const nodeUids: Record<string, string> = {};
  for (const [index, name] of [FIXTURE.controlPlaneNode, ...FIXTURE.workers].entries()) {
    const controlPlane = name === FIXTURE.controlPlaneNode;
    const labels: Record<string, string> = {
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
    };
    const created = await create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });
    nodeUids[name] = (created as { metadata: { uid: string } }).metadata.uid;
    // The TaintNodesByCondition admission plugin marks new nodes not-ready;
    // the node lifecycle controller would lift that once the kubelet reports.
    await apiCall(
      admin,
      'PATCH',
      `/api/v1/nodes/${name}`,
      { spec: { taints: controlPlane ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : null } },
      MERGE,
    );
    const kubelet = FIXTURE.kubeletVersions[name] ?? 'v1.35.4';
    const resources = { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '50Gi' };
    await setStatus(`/api/v1/nodes/${name}`, {
      status: {
        capacity: resources,
        allocatable: { ...resources, cpu: '3800m', memory: '7Gi' },
        conditions: [
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: STARTED, lastTransitionTime: STARTED },
          { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', lastHeartbeatTime: STARTED, lastTransitionTime: STARTED },
          { type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: STARTED, lastTransitionTime: STARTED },
        ],
        addresses: [
          { type: 'InternalIP', address: `10.0.0.${10 + index}` },
          { type: 'Hostname', address: name },
        ],
        nodeInfo: {
          machineID: `${name}-machine`,
          systemUUID: `${name}-uuid`,
          bootID: `${name}-boot`,
          kernelVersion: '6.1.0-28-amd64',
          osImage: 'Debian GNU/Linux 12 (bookworm)',
          containerRuntimeVersion: 'containerd://1.7.24',
          kubeletVersion: kubelet,
          kubeProxyVersion: kubelet,
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
        images: [{ names: ['registry.k8s.io/pause:3.10'], sizeBytes: 320368 }],
      },
    });
  }

  // kubeadm's record of the cluster (kube-system/kubeadm-config).
  await create(ns('kube-system', 'configmaps'), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kubeadm-config', namespace: 'kube-system' },
    data: {
      ClusterConfiguration: [
        'apiVersion: kubeadm.k8s.io/v1beta4',
        'kind: ClusterConfiguration',
        'clusterName: kubernetes',
        'kubernetesVersion: v1.35.4',
        'controlPlaneEndpoint: cp-1:6443',
        'etcd:',
        '  local:',
        '    dataDir: /var/lib/etcd',
        'networking:',
        '  dnsDomain: cluster.local',
        '  podSubnet: 10.244.0.0/16',
        '  serviceSubnet: 10.96.0.0/12',
        '',
      ].join('\n'),
    },
  });
  await create(ns('default', 'secrets'), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-password', namespace: 'default' },
    stringData: { password: 'not-for-kcheck' },
  });

  // Static pods of the control plane, as the kubelet mirrors them: the
  // config.mirror annotation and the Node as controller owner.
  const cp = FIXTURE.controlPlaneNode;
  const nodeOwner = { apiVersion: 'v1', kind: 'Node', name: cp, uid: nodeUids[cp], controller: true };
  const staticPod = (component: string, image: string, command: string[], volumes: Json[] = []): PodSpecInput => ({
    name: `${component}-${cp}`,
    namespace: 'kube-system',
    node: cp,
    labels: { component, tier: 'control-plane' },
    annotations: {
      'kubernetes.io/config.mirror': `${component}-0123456789abcdef`,
      'kubernetes.io/config.hash': `${component}-0123456789abcdef`,
      'kubernetes.io/config.source': 'file',
    },
    owner: nodeOwner,
    containers: [{ name: component, image, command, requests: { cpu: '100m' } }],
    volumes,
    extraSpec: { hostNetwork: true, priorityClassName: 'system-node-critical', tolerations: [{ operator: 'Exists', effect: 'NoExecute' }] },
  });
  await pod(
    staticPod('etcd', 'registry.k8s.io/etcd:3.6.5-0', ['etcd', '--data-dir=/var/lib/etcd', '--advertise-client-urls=https://10.0.0.10:2379'], [
      { name: 'etcd-certs', hostPath: { path: '/etc/kubernetes/pki/etcd', type: 'DirectoryOrCreate' } },
      { name: 'etcd-data', hostPath: { path: '/var/lib/etcd', type: 'DirectoryOrCreate' } },
    ]),
  );
  await pod(staticPod('kube-apiserver', 'registry.k8s.io/kube-apiserver:v1.35.4', ['kube-apiserver', '--etcd-servers=https://127.0.0.1:2379']));
  await pod(staticPod('kube-controller-manager', 'registry.k8s.io/kube-controller-manager:v1.35.4', ['kube-controller-manager']));
  await pod(staticPod('kube-scheduler', 'registry.k8s.io/kube-scheduler:v1.35.4', ['kube-scheduler']));

  // kube-proxy: a DaemonSet with one pod per node.
  const proxyImage = 'registry.k8s.io/kube-proxy:v1.35.4';
  const proxyLabels = { 'k8s-app': 'kube-proxy' };
  const daemonSet = await create(ns('kube-system', 'daemonsets', 'apps/v1'), {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: proxyLabels },
    spec: {
      selector: { matchLabels: proxyLabels },
      template: {
        metadata: { labels: proxyLabels },
        spec: {
          containers: [{ name: 'kube-proxy', image: proxyImage }],
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          tolerations: [{ operator: 'Exists' }],
        },
      },
    },
  });
  await setStatus(`${ns('kube-system', 'daemonsets', 'apps/v1')}/kube-proxy`, {
    status: { currentNumberScheduled: 4, desiredNumberScheduled: 4, numberAvailable: 4, numberMisscheduled: 0, numberReady: 4, updatedNumberScheduled: 4, observedGeneration: 1 },
  });
  for (const node of [cp, ...FIXTURE.workers]) {
    await pod({
      name: `kube-proxy-${node}`,
      namespace: 'kube-system',
      node,
      labels: proxyLabels,
      owner: ownerRef('apps/v1', 'DaemonSet', daemonSet),
      containers: [{ name: 'kube-proxy', image: proxyImage }],
      extraSpec: { hostNetwork: true, priorityClassName: 'system-node-critical', tolerations: [{ operator: 'Exists' }] },
    });
  }

  // Deployments, each with its ReplicaSet and pods.
  const deployment = async (d: {
    namespace: string;
    name: string;
    hash: string;
    image: string;
    pods: { suffix: string; node: string }[];
    annotations?: Record<string, string>;
    volumes?: Json[];
  }): Promise<void> => {
    const labels = { app: d.name };
    const template = {
      metadata: { labels },
      spec: { containers: [{ name: d.name, image: d.image, resources: { requests: { cpu: '250m', memory: '256Mi' } } }], ...(d.volumes ? { volumes: d.volumes } : {}) },
    };
    const replicas = d.pods.length;
    const created = await create(ns(d.namespace, 'deployments', 'apps/v1'), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: d.name, namespace: d.namespace, labels, ...(d.annotations ? { annotations: d.annotations } : {}) },
      spec: { replicas, selector: { matchLabels: labels }, template },
    });
    const workloadStatus = { replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 };
    await setStatus(`${ns(d.namespace, 'deployments', 'apps/v1')}/${d.name}`, { status: { ...workloadStatus, updatedReplicas: replicas } });
    const rsName = `${d.name}-${d.hash}`;
    const rsLabels = { ...labels, 'pod-template-hash': d.hash };
    const replicaSet = await create(ns(d.namespace, 'replicasets', 'apps/v1'), {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: rsName, namespace: d.namespace, labels: rsLabels, ownerReferences: [ownerRef('apps/v1', 'Deployment', created)] },
      spec: { replicas, selector: { matchLabels: rsLabels }, template: { ...template, metadata: { labels: rsLabels } } },
    });
    await setStatus(`${ns(d.namespace, 'replicasets', 'apps/v1')}/${rsName}`, { status: { ...workloadStatus, fullyLabeledReplicas: replicas } });
    for (const p of d.pods) {
      await pod({
        name: `${rsName}-${p.suffix}`,
        namespace: d.namespace,
        node: p.node,
        labels: rsLabels,
        owner: ownerRef('apps/v1', 'ReplicaSet', replicaSet),
        containers: [{ name: d.name, image: d.image, requests: { cpu: '250m', memory: '256Mi' } }],
        ...(d.volumes ? { volumes: d.volumes } : {}),
      });
    }
  };
  await deployment({
    namespace: 'shop',
    name: 'web',
    hash: '7d4b9c8f5d',
    image: 'nginx:1.27',
    pods: [
      { suffix: 'w1x2k', node: 'worker-1' },
      { suffix: 'p9d3m', node: 'worker-2' },
      { suffix: 'z7c6v', node: 'worker-3' },
    ],
  });
  await deployment({
    namespace: 'shop',
    name: 'cache',
    hash: '5f6d7c8b9a',
    image: 'redis:7.4',
    pods: [{ suffix: 'q8r4t', node: 'worker-1' }],
    volumes: [{ name: 'scratch', emptyDir: {} }],
  });
  // Applied long ago with an API version removed in 1.16; the server has
  // converted it to apps/v1 but kubectl's last-applied annotation remembers.
  await deployment({
    namespace: 'legacy',
    name: 'legacy-api',
    hash: '6c8d9f7b4e',
    image: 'example.com/legacy-api:2.3',
    pods: [{ suffix: 'k2j8h', node: 'worker-2' }],
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
        apiVersion: 'extensions/v1beta1',
        kind: 'Deployment',
        metadata: { name: 'legacy-api', namespace: 'legacy' },
        spec: { replicas: 1, template: { metadata: { labels: { app: 'legacy-api' } }, spec: { containers: [{ name: 'legacy-api', image: 'example.com/legacy-api:2.3' }] } } },
      }),
    },
  });

  const pdb = async (namespace: string, name: string, spec: Json, status: Json): Promise<void> => {
    await create(ns(namespace, 'poddisruptionbudgets', 'policy/v1'), {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace },
      spec: { ...spec, selector: { matchLabels: { app: name } } },
    });
    await setStatus(`${ns(namespace, 'poddisruptionbudgets', 'policy/v1')}/${name}`, { status: { observedGeneration: 1, ...status } });
  };
  await pdb('shop', 'web', { minAvailable: 2 }, { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3 });
  await pdb('shop', 'cache', { maxUnavailable: 0 }, { currentHealthy: 1, desiredHealthy: 1, disruptionsAllowed: 0, expectedPods: 1 });

  // A StatefulSet whose pod keeps its data on a PersistentVolumeClaim.
  const dbLabels = { app: 'db' };
  const statefulSet = await create(ns('shop', 'statefulsets', 'apps/v1'), {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'shop', labels: dbLabels },
    spec: {
      replicas: 1,
      serviceName: 'db',
      selector: { matchLabels: dbLabels },
      template: { metadata: { labels: dbLabels }, spec: { containers: [{ name: 'postgres', image: 'postgres:17' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
    },
  });
  await setStatus(`${ns('shop', 'statefulsets', 'apps/v1')}/db`, { status: { replicas: 1, readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1, availableReplicas: 1, observedGeneration: 1 } });
  await pod({
    name: 'db-0',
    namespace: 'shop',
    node: 'worker-2',
    labels: { ...dbLabels, 'statefulset.kubernetes.io/pod-name': 'db-0' },
    owner: ownerRef('apps/v1', 'StatefulSet', statefulSet),
    containers: [{ name: 'postgres', image: 'postgres:17', requests: { cpu: '500m', memory: '1Gi' } }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }],
  });

  // A pod nobody manages: drain refuses it without --force.
  await pod({ name: 'debug', namespace: 'default', node: 'worker-1', labels: { run: 'debug' }, containers: [{ name: 'debug', image: 'busybox:1.37', command: ['sleep', 'infinity'] }] });

  // A CronJob, the Job it started and that Job's finished pod; a Job of its own.
  const jobTemplate = (name: string): Json => ({
    template: { metadata: { labels: { job: name } }, spec: { restartPolicy: 'Never', containers: [{ name, image: 'busybox:1.37', command: ['true'] }] } },
  });
  const cronJob = await create(ns('batch', 'cronjobs', 'batch/v1'), {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly', namespace: 'batch' },
    spec: { schedule: '0 2 * * *', jobTemplate: { spec: jobTemplate('nightly') } },
  });
  const job = async (name: string, owner: Json | undefined, node: string, phase: 'Running' | 'Succeeded'): Promise<void> => {
    const created = await create(ns('batch', 'jobs', 'batch/v1'), {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'batch', ...(owner ? { ownerReferences: [owner] } : {}) },
      spec: jobTemplate(name),
    });
    const uid = (created as { metadata: { uid: string } }).metadata.uid;
    await pod({
      name: `${name}-x4m2p`,
      namespace: 'batch',
      node,
      labels: { job: name, 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name },
      owner: ownerRef('batch/v1', 'Job', created),
      containers: [{ name, image: 'busybox:1.37', command: ['true'] }],
      extraSpec: { restartPolicy: 'Never' },
      phase,
    });
  };
  await job('nightly-29483520', ownerRef('batch/v1', 'CronJob', cronJob), 'worker-2', 'Succeeded');
  await job('migrate', undefined, 'worker-3', 'Running');

  // A ReplicationController, the controller Deployments replaced.
  const rcLabels = { app: 'old-app' };
  const rc = await create(ns('legacy', 'replicationcontrollers'), {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'old-app', namespace: 'legacy' },
    spec: { replicas: 1, selector: rcLabels, template: { metadata: { labels: rcLabels }, spec: { containers: [{ name: 'old-app', image: 'example.com/old-app:1.0' }] } } },
  });
  await pod({ name: 'old-app-7hq2z', namespace: 'legacy', node: 'worker-3', labels: rcLabels, owner: ownerRef('v1', 'ReplicationController', rc), containers: [{ name: 'old-app', image: 'example.com/old-app:1.0' }] });

  // An object written through a deprecated beta API the server still serves.
  await create('/apis/resource.k8s.io/v1beta1/deviceclasses', {
    apiVersion: 'resource.k8s.io/v1beta1',
    kind: 'DeviceClass',
    metadata: { name: 'gpu.example.com' },
    spec: { selectors: [{ cel: { expression: "device.driver == 'gpu.example.com'" } }] },
  });

  return { nodes: counts.Node ?? 0, pods: counts.Pod ?? 0, objects: counts };
}

/**
 * One drain scenario: a node of its own and a namespace of its own, so that
 * each `kubectl drain` in test/drain/kubectl-compare.test.ts meets only the
 * pods it is about.
 */
export interface DrainScenario {
  node: string;
  namespace: string;
  /** What the scenario shows, for test names. */
  about: string;
}

export const DRAIN_SCENARIOS = {
  owners: { node: 'drain-owners', namespace: 'drain-owners', about: 'DaemonSet owners of other groups, and one whose uid does not match' },
  orphan: { node: 'drain-orphan', namespace: 'drain-orphan', about: 'a DaemonSet pod whose DaemonSet is gone' },
  phases: { node: 'drain-phases', namespace: 'drain-phases', about: 'finished, mirror, Pending and terminating pods beside a budget that allows nothing' },
  storage: { node: 'drain-storage', namespace: 'drain-storage', about: 'emptyDir with medium Memory, a generic ephemeral volume, a hostPath' },
  selectors: { node: 'drain-selectors', namespace: 'drain-selectors', about: 'PDBs selecting with NotIn and Exists, one pod under both' },
  empty: { node: 'drain-empty', namespace: 'drain-empty', about: 'a policy/v1 PDB with an empty selector' },
  budget: { node: 'drain-budget', namespace: 'drain-budget', about: 'one disruption allowed, two pods of the budget on the node' },
  unhealthy: { node: 'drain-unhealthy', namespace: 'drain-unhealthy', about: 'unready pods and unhealthyPodEvictionPolicy' },
  doomed: { node: 'drain-doomed', namespace: 'drain-doomed', about: 'a namespace being terminated' },
  stale: { node: 'drain-stale', namespace: 'drain-stale', about: 'a PDB the disruption controller has not processed' },
  podSelector: { node: 'drain-podsel', namespace: 'drain-podsel', about: '--pod-selector leaving a pod without controller out' },
  deletion: { node: 'drain-delete', namespace: 'drain-delete', about: '--disable-eviction past a budget that allows nothing' },
  skipWait: { node: 'drain-skip', namespace: 'drain-skip', about: 'a pod held by a finalizer, and --skip-wait-for-delete-timeout' },
} as const satisfies Record<string, DrainScenario>;

/** The finalizer that holds the scenarios' terminating pods: nothing in the test cluster removes it. */
const HOLD_FINALIZER = 'kcheck.test/hold';

interface ScenarioPod {
  name: string;
  labels?: Record<string, string>;
  owner?: Json | null;
  phase?: 'Running' | 'Succeeded' | 'Failed' | 'Pending';
  ready?: boolean;
  volumes?: Json[];
  annotations?: Record<string, string>;
  finalizers?: string[];
}

/**
 * Loads the drain scenarios next to the fixture: a Ready node and a namespace
 * each, the pods, the owners that exist and the PDBs with the status the
 * disruption controller would have written. Call after loadFixtures.
 */
export async function loadDrainScenarios(admin: ApiTarget): Promise<void> {
  const create = (path: string, body: Json): Promise<unknown> => apiCall(admin, 'POST', path, body);
  const setStatus = (path: string, status: Json): Promise<unknown> => apiCall(admin, 'PATCH', `${path}/status`, status, MERGE);
  const at = (namespace: string, resource: string, group = ''): string =>
    group ? `/apis/${group}/namespaces/${namespace}/${resource}` : `/api/v1/namespaces/${namespace}/${resource}`;

  for (const s of Object.values(DRAIN_SCENARIOS)) {
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: s.namespace } });
    await create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: s.node, labels: { 'kubernetes.io/hostname': s.node, 'kcheck.test/scenario': 'drain' } } });
    await apiCall(admin, 'PATCH', `/api/v1/nodes/${s.node}`, { spec: { taints: null } }, MERGE);
    const resources = { cpu: '4', memory: '8Gi', pods: '110' };
    await setStatus(`/api/v1/nodes/${s.node}`, {
      status: {
        capacity: resources,
        allocatable: resources,
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: STARTED, lastTransitionTime: STARTED }],
        nodeInfo: { machineID: s.node, systemUUID: s.node, bootID: s.node, kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://1.7.24', kubeletVersion: 'v1.35.4', kubeProxyVersion: 'v1.35.4', operatingSystem: 'linux', architecture: 'amd64' },
      },
    });
  }

  const replicaSet = async (namespace: string, name: string, labels: Record<string, string>): Promise<Json> => {
    const created = await create(at(namespace, 'replicasets', 'apps/v1'), {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace, labels },
      spec: { replicas: 3, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
    });
    return ownerRef('apps/v1', 'ReplicaSet', created);
  };
  const pod = async (s: DrainScenario, p: ScenarioPod): Promise<void> => {
    const phase = p.phase ?? 'Running';
    const ready = p.ready ?? phase === 'Running';
    await create(at(s.namespace, 'pods'), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: p.name,
        namespace: s.namespace,
        labels: p.labels ?? {},
        ...(p.annotations ? { annotations: p.annotations } : {}),
        ...(p.owner ? { ownerReferences: [p.owner] } : {}),
        ...(p.finalizers ? { finalizers: p.finalizers } : {}),
      },
      spec: { nodeName: s.node, containers: [{ name: 'app', image: 'nginx:1.27' }], ...(p.volumes ? { volumes: p.volumes } : {}) },
    });
    await setStatus(`${at(s.namespace, 'pods')}/${p.name}`, {
      status: {
        phase,
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: STARTED },
          ...(phase === 'Running' ? [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: STARTED }] : []),
        ],
        startTime: STARTED,
      },
    });
  };
  const pdb = async (s: DrainScenario, name: string, spec: Json, status: Json | null): Promise<void> => {
    await create(at(s.namespace, 'poddisruptionbudgets', 'policy/v1'), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: s.namespace }, spec });
    if (status) await setStatus(`${at(s.namespace, 'poddisruptionbudgets', 'policy/v1')}/${name}`, { status: { observedGeneration: 1, ...status } });
  };
  /** Deletes a pod held by the finalizer: it stays, with a deletionTimestamp. */
  const startDeleting = (s: DrainScenario, name: string): Promise<unknown> =>
    apiCall(admin, 'DELETE', `${at(s.namespace, 'pods')}/${name}`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
  const fakeOwner = (apiVersion: string, kind: string, name: string): Json => ({ apiVersion, kind, name, uid: `0000-${kind.toLowerCase()}-${name}`, controller: true });

  // Owners: only apps/v1 DaemonSets are DaemonSets to drain; the lookup is by name, not uid.
  {
    const s = DRAIN_SCENARIOS.owners;
    const labels = { app: 'agent' };
    await create(at(s.namespace, 'daemonsets', 'apps/v1'), {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: s.namespace },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'agent', image: 'busybox:1.37' }] } } },
    });
    await pod(s, { name: 'kruise-agent-x1', owner: fakeOwner('apps.kruise.io/v1alpha1', 'DaemonSet', 'agent') });
    await pod(s, { name: 'old-agent-x2', owner: fakeOwner('extensions/v1beta1', 'DaemonSet', 'agent') });
    await pod(s, { name: 'agent-x3', labels, owner: fakeOwner('apps/v1', 'DaemonSet', 'agent') });
    await pod(s, { name: 'clone-x4', owner: fakeOwner('apps.kruise.io/v1alpha1', 'CloneSet', 'clone') });
  }
  {
    const s = DRAIN_SCENARIOS.orphan;
    await pod(s, { name: 'gone-agent-x1', owner: fakeOwner('apps/v1', 'DaemonSet', 'gone-agent') });
    await pod(s, { name: 'web-x2', owner: await replicaSet(s.namespace, 'web', { app: 'web' }), labels: { app: 'web' } });
  }
  {
    const s = DRAIN_SCENARIOS.phases;
    const labels = { app: 'phases' };
    const owner = await replicaSet(s.namespace, 'phases', labels);
    await pdb(s, 'phases', { minAvailable: 3, selector: { matchLabels: labels } }, { currentHealthy: 1, desiredHealthy: 3, disruptionsAllowed: 0, expectedPods: 3 });
    await pod(s, { name: 'done-ok', phase: 'Succeeded', volumes: [{ name: 'scratch', emptyDir: {} }], labels });
    await pod(s, { name: 'done-failed', phase: 'Failed', labels });
    await pod(s, { name: 'static-x', annotations: { 'kubernetes.io/config.mirror': 'static-x-hash' } });
    await pod(s, { name: 'not-started', phase: 'Pending', owner, labels });
    await pod(s, { name: 'leaving', owner, labels, finalizers: [HOLD_FINALIZER] });
    await startDeleting(s, 'leaving');
    await pod(s, { name: 'serving', owner, labels });
  }
  {
    const s = DRAIN_SCENARIOS.storage;
    const owner = await replicaSet(s.namespace, 'store', { app: 'store' });
    await pod(s, { name: 'tmpfs', owner, volumes: [{ name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }] });
    await pod(s, {
      name: 'scratch-claim',
      owner,
      volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } }],
    });
    await pod(s, { name: 'host-logs', owner, volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] });
  }
  {
    const s = DRAIN_SCENARIOS.selectors;
    const owner = await replicaSet(s.namespace, 'mixed', { set: 'mixed' });
    const none = { currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0, expectedPods: 2 };
    await pdb(s, 'not-web', { maxUnavailable: 0, selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] } }, none);
    await pdb(s, 'critical', { maxUnavailable: 0, selector: { matchExpressions: [{ key: 'critical', operator: 'Exists' }] } }, none);
    await pod(s, { name: 'front', owner, labels: { set: 'mixed', tier: 'web' } });
    await pod(s, { name: 'store', owner, labels: { set: 'mixed', tier: 'db' } });
    await pod(s, { name: 'core', owner, labels: { set: 'mixed', critical: 'yes' } });
  }
  {
    const s = DRAIN_SCENARIOS.empty;
    const owner = await replicaSet(s.namespace, 'any', { app: 'any' });
    await pdb(s, 'everything', { maxUnavailable: 1, selector: {} }, { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2 });
    await pod(s, { name: 'any-a', owner, labels: { app: 'any' } });
    await pod(s, { name: 'other-b', owner, labels: { app: 'other' } });
  }
  {
    const s = DRAIN_SCENARIOS.budget;
    const labels = { app: 'paced' };
    const owner = await replicaSet(s.namespace, 'paced', labels);
    await pdb(s, 'paced', { maxUnavailable: 1, selector: { matchLabels: labels } }, { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3 });
    await pod(s, { name: 'paced-a', owner, labels });
    await pod(s, { name: 'paced-b', owner, labels });
  }
  {
    const s = DRAIN_SCENARIOS.unhealthy;
    const short = { currentHealthy: 1, desiredHealthy: 2, disruptionsAllowed: 0, expectedPods: 2 };
    for (const [name, policy, status] of [
      ['if-healthy', 'IfHealthyBudget', short],
      ['always', 'AlwaysAllow', short],
      ['met', 'IfHealthyBudget', { currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0, expectedPods: 3 }],
    ] as const) {
      const labels = { app: name };
      const owner = await replicaSet(s.namespace, name, labels);
      await pdb(s, name, { minAvailable: 2, unhealthyPodEvictionPolicy: policy, selector: { matchLabels: labels } }, status);
      await pod(s, { name: `${name}-unready`, owner, labels, ready: false });
    }
  }
  {
    const s = DRAIN_SCENARIOS.doomed;
    const owner = await replicaSet(s.namespace, 'doomed', { app: 'doomed' });
    await pod(s, { name: 'doomed-a', owner, labels: { app: 'doomed' } });
    await pod(s, { name: 'doomed-b', owner, labels: { app: 'doomed' }, finalizers: [HOLD_FINALIZER] });
    await startDeleting(s, 'doomed-b');
    // No namespace controller runs: the namespace keeps its "kubernetes" finalizer and stays Terminating.
    await apiCall(admin, 'DELETE', `/api/v1/namespaces/${s.namespace}`);
  }
  {
    const s = DRAIN_SCENARIOS.stale;
    const labels = { app: 'stale' };
    const owner = await replicaSet(s.namespace, 'stale', labels);
    await pdb(s, 'stale', { maxUnavailable: 1, selector: { matchLabels: labels } }, { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3 });
    // A spec change the disruption controller has not seen: metadata.generation 2, status.observedGeneration 1.
    await apiCall(admin, 'PATCH', `${at(s.namespace, 'poddisruptionbudgets', 'policy/v1')}/stale`, { spec: { maxUnavailable: 2 } }, MERGE);
    await pod(s, { name: 'stale-a', owner, labels });
  }
  {
    const s = DRAIN_SCENARIOS.podSelector;
    await pod(s, { name: 'keep-x1', owner: await replicaSet(s.namespace, 'keep', { app: 'keep' }), labels: { app: 'keep' } });
    await pod(s, { name: 'hand-made', labels: { app: 'debug' } });
  }
  {
    const s = DRAIN_SCENARIOS.deletion;
    const labels = { app: 'guarded' };
    const owner = await replicaSet(s.namespace, 'guarded', labels);
    await pdb(s, 'guarded', { maxUnavailable: 0, selector: { matchLabels: labels } }, { currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0, expectedPods: 2 });
    await pod(s, { name: 'guarded-a', owner, labels });
    await pod(s, { name: 'guarded-b', owner, labels });
  }
  {
    const s = DRAIN_SCENARIOS.skipWait;
    const owner = await replicaSet(s.namespace, 'held', { app: 'held' });
    await pod(s, { name: 'held-a', owner, labels: { app: 'held' }, finalizers: [HOLD_FINALIZER] });
    await startDeleting(s, 'held-a');
    await pod(s, { name: 'free-b', owner, labels: { app: 'held' } });
  }
}
