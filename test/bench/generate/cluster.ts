/**
 * A realistic cluster as `kubectl get nodes,pods,pdb,deploy,rs,sts,ds -A -o json`
 * would dump it, deterministic for a seed: one control-plane node with its
 * static pods, workers with about 30 pods each (DaemonSet, StatefulSet and
 * Deployment→ReplicaSet pods, a few standalone pods, some emptyDir), a
 * PodDisruptionBudget on every tenth Deployment (half of them allowing 0
 * disruptions), every 50th node cordoned, kubelets one and two minors behind
 * on some nodes.
 *
 *   npm run build && node build/test/bench/generate/cluster.js --nodes 1000 [--seed 1] [--format json|yaml] [--out FILE]
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'yaml';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../fuzz/prng.js';

export interface ClusterShape {
  /** Worker nodes; one control-plane node comes on top. */
  nodes: number;
  seed: number;
  /** Pods per worker, DaemonSet pods included. */
  podsPerNode?: number;
}

type Obj = Record<string, unknown>;

const VERSION = 'v1.33.5';
const OLDER = ['v1.32.9', 'v1.31.13'];
const CREATED = '2026-11-20T08:00:00Z';
const DAEMONSETS = ['kube-proxy', 'node-exporter'];
const REPLICAS = 3;
const STATEFUL_REPLICAS = 3;

const uid = (kind: string, i: number): string => `${kind.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const hash = (i: number): string => (0x5d4b9c6f + i * 7919).toString(36).slice(-10);
const owner = (kind: string, name: string, i: number): Obj => ({ apiVersion: 'apps/v1', kind, name, uid: uid(kind, i), controller: true, blockOwnerDeletion: true });

function node(name: string, kubelet: string, controlPlane: boolean, cordoned: boolean): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      creationTimestamp: CREATED,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'topology.kubernetes.io/zone': `zone-${name.length % 3}`,
        ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
    },
    spec: {
      ...(cordoned ? { unschedulable: true } : {}),
      taints: [
        ...(controlPlane ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : []),
        ...(cordoned ? [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: CREATED }] : []),
      ],
    },
    status: {
      allocatable: { cpu: '15800m', memory: '63Gi', pods: '110', 'ephemeral-storage': '180Gi' },
      capacity: { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '200Gi' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: CREATED }],
      nodeInfo: { kubeletVersion: kubelet, kubeProxyVersion: kubelet, containerRuntimeVersion: 'containerd://1.7.22', osImage: 'Ubuntu 24.04.1 LTS', architecture: 'amd64' },
    },
  };
}

interface PodSpec {
  namespace: string;
  name: string;
  nodeName: string;
  labels: Record<string, string>;
  owner?: Obj;
  emptyDir?: boolean;
  image: string;
  tolerateAll?: boolean;
  annotations?: Record<string, string>;
  priorityClassName?: string;
}

function pod(p: PodSpec, i: number): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      uid: uid('pod', i),
      creationTimestamp: CREATED,
      labels: p.labels,
      ...(p.annotations ? { annotations: p.annotations } : {}),
      ...(p.owner ? { ownerReferences: [p.owner] } : {}),
    },
    spec: {
      nodeName: p.nodeName,
      ...(p.priorityClassName ? { priorityClassName: p.priorityClassName } : {}),
      containers: [
        {
          name: 'main',
          image: p.image,
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
          volumeMounts: p.emptyDir ? [{ name: 'scratch', mountPath: '/scratch' }] : [],
        },
      ],
      volumes: p.emptyDir ? [{ name: 'scratch', emptyDir: {} }] : [],
      ...(p.tolerateAll ? { tolerations: [{ operator: 'Exists' }] } : {}),
      terminationGracePeriodSeconds: 30,
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: CREATED }],
      containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: p.image }],
    },
  };
}

function staticPods(cp: string, start: number): Obj[] {
  const components = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'];
  return components.map((c, k) => {
    const image = c === 'etcd' ? 'registry.k8s.io/etcd:3.5.21-0' : `registry.k8s.io/${c}:${VERSION}`;
    const p = pod({ namespace: 'kube-system', name: `${c}-${cp}`, nodeName: cp, labels: { component: c, tier: 'control-plane' }, image, priorityClassName: 'system-node-critical' }, start + k);
    const meta = p['metadata'] as Obj;
    meta['annotations'] = { 'kubernetes.io/config.mirror': hash(k), 'kubernetes.io/config.source': 'file' };
    meta['ownerReferences'] = [{ apiVersion: 'v1', kind: 'Node', name: cp, uid: uid('node', 0), controller: true }];
    return p;
  });
}

/** Every object of the cluster, in the order `kubectl get nodes,pods,pdb,deploy,rs,sts,ds -A` lists them. */
export function generateCluster(shape: ClusterShape): Obj[] {
  const rng = new Rng(shape.seed);
  const perNode = shape.podsPerNode ?? 30;
  const workers = Array.from({ length: shape.nodes }, (_, i) => `worker-${String(i + 1).padStart(5, '0')}`);
  const cp = 'controlplane-1';
  const nodes = [node(cp, VERSION, true, false), ...workers.map((w, i) => node(w, i % 7 === 3 ? OLDER[rng.int(OLDER.length)]! : VERSION, false, (i + 1) % 50 === 0))];
  const namespaces = Math.max(5, Math.min(200, Math.round(shape.nodes / 10)));
  const pods: Obj[] = [];
  const controllers: { deploy: Obj[]; rs: Obj[]; sts: Obj[]; ds: Obj[]; pdb: Obj[] } = { deploy: [], rs: [], sts: [], ds: [], pdb: [] };
  let n = 0;
  pods.push(...staticPods(cp, n));
  n += 4;

  DAEMONSETS.forEach((ds, k) => {
    controllers.ds.push({
      apiVersion: 'apps/v1', kind: 'DaemonSet',
      metadata: { name: ds, namespace: 'kube-system', uid: uid('ds', k), creationTimestamp: CREATED, generation: 1 },
      spec: { selector: { matchLabels: { app: ds } }, template: { metadata: { labels: { app: ds } }, spec: { containers: [{ name: 'main', image: `registry.k8s.io/${ds}:${VERSION}` }] } } },
      status: { desiredNumberScheduled: workers.length + 1, numberReady: workers.length + 1, observedGeneration: 1 },
    });
    for (const w of [cp, ...workers]) {
      pods.push(pod({ namespace: 'kube-system', name: `${ds}-${hash(n).slice(0, 5)}`, nodeName: w, labels: { app: ds }, owner: owner('DaemonSet', ds, k), image: `registry.k8s.io/${ds}:${VERSION}`, tolerateAll: true }, n++));
    }
  });

  // The slots a worker has for pods that are not DaemonSet pods, handed out in a seeded order.
  const slots: string[] = [];
  for (const w of workers) for (let s = 0; s < perNode - DAEMONSETS.length; s++) slots.push(w);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  let slot = 0;
  let d = 0;
  let s = 0;
  while (slot < slots.length) {
    const ns = `team-${String(rng.int(namespaces)).padStart(3, '0')}`;
    const roll = rng.int(100);
    if (roll < 3) {
      // A standalone pod: no controller recreates it.
      pods.push(pod({ namespace: ns, name: `debug-${n.toString(36)}`, nodeName: slots[slot++]!, labels: { run: 'debug' }, image: 'busybox:1.36', emptyDir: rng.int(2) === 0 }, n++));
    } else if (roll < 12) {
      const name = `db-${s}`;
      const replicas = Math.min(STATEFUL_REPLICAS, slots.length - slot);
      controllers.sts.push({
        apiVersion: 'apps/v1', kind: 'StatefulSet',
        metadata: { name, namespace: ns, uid: uid('sts', s), creationTimestamp: CREATED, generation: 1 },
        spec: { replicas, serviceName: name, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'postgres:16' }] } } },
        status: { replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
      });
      for (let r = 0; r < replicas; r++) {
        pods.push(pod({ namespace: ns, name: `${name}-${r}`, nodeName: slots[slot++]!, labels: { app: name }, owner: owner('StatefulSet', name, s), image: 'postgres:16' }, n++));
      }
      s++;
    } else {
      const name = `app-${d}`;
      const replicas = Math.min(rng.int(10) === 0 ? 1 : REPLICAS, slots.length - slot);
      const rs = `${name}-${hash(d)}`;
      const labels = { app: name, 'pod-template-hash': hash(d) };
      controllers.deploy.push({
        apiVersion: 'apps/v1', kind: 'Deployment',
        metadata: { name, namespace: ns, uid: uid('deploy', d), creationTimestamp: CREATED, generation: 1 },
        spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: `registry.example.com/${name}:1.0` }] } } },
        status: { replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas, observedGeneration: 1 },
      });
      controllers.rs.push({
        apiVersion: 'apps/v1', kind: 'ReplicaSet',
        metadata: { name: rs, namespace: ns, uid: uid('rs', d), creationTimestamp: CREATED, generation: 1, ownerReferences: [owner('Deployment', name, d)] },
        spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: `registry.example.com/${name}:1.0` }] } } },
        status: { replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
      });
      for (let r = 0; r < replicas; r++) {
        pods.push(pod({ namespace: ns, name: `${rs}-${hash(n).slice(0, 5)}`, nodeName: slots[slot++]!, labels, owner: owner('ReplicaSet', rs, d), image: `registry.example.com/${name}:1.0`, emptyDir: rng.int(8) === 0 }, n++));
      }
      if (d % 10 === 0) {
        const blocked = (d / 10) % 2 === 1;
        controllers.pdb.push({
          apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
          metadata: { name, namespace: ns, uid: uid('pdb', d), creationTimestamp: CREATED, generation: 1 },
          spec: { minAvailable: blocked ? replicas : Math.max(1, replicas - 1), selector: { matchLabels: { app: name } } },
          status: { currentHealthy: replicas, desiredHealthy: blocked ? replicas : Math.max(1, replicas - 1), disruptionsAllowed: blocked ? 0 : Math.min(1, replicas - 1), expectedPods: replicas, observedGeneration: 1 },
        });
      }
      d++;
    }
  }
  return [...nodes, ...pods, ...controllers.pdb, ...controllers.deploy, ...controllers.rs, ...controllers.sts, ...controllers.ds];
}

/** Writes the cluster as one `List`, JSON as kubectl indents it or YAML, without building the whole text at once. */
export async function writeCluster(path: string, items: Obj[], format: 'json' | 'yaml'): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (format === 'json') {
    await write('{\n  "apiVersion": "v1",\n  "items": [\n');
    for (let i = 0; i < items.length; i++) {
      const text = JSON.stringify(items[i], null, 2).replace(/^/gm, '    ');
      await write(`${text}${i + 1 < items.length ? ',' : ''}\n`);
    }
    await write('  ],\n  "kind": "List",\n  "metadata": {\n    "resourceVersion": ""\n  }\n}\n');
  } else {
    await write('apiVersion: v1\nitems:\n');
    for (const item of items) {
      await write(stringify([item], { lineWidth: 0 }));
    }
    await write('kind: List\nmetadata:\n  resourceVersion: ""\n');
  }
  out.end();
  await once(out, 'close');
}

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1] ?? fallback;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const nodes = Number(flag('--nodes', '1000'));
  const seed = Number(flag('--seed', '1'));
  const format = flag('--format', 'json') === 'yaml' ? 'yaml' : 'json';
  const out = flag('--out', `cluster-${nodes}.${format}`);
  await writeCluster(out, generateCluster({ nodes, seed }), format);
  console.log(`wrote ${out}`);
}
