import { buildModel } from '../../src/model/build.js';
import type { ClusterModel, DrainIntent } from '../../src/model/types.js';
import { emptyInputs, type KubeObject, type RawObject } from '../../src/sources/types.js';

/** Builders for the objects a `kubectl get -o yaml` dump holds, with only the fields the tests need. */

export function node(name: string, opts: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: object[]; unschedulable?: boolean; ready?: boolean; allocatable?: boolean; controlPlane?: boolean; kubelet?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}), ...opts.labels } },
    spec: { ...(opts.taints ? { taints: opts.taints } : {}), ...(opts.unschedulable ? { unschedulable: true } : {}) },
    status: {
      ...(opts.allocatable === false ? {} : { allocatable: { cpu: opts.cpu ?? '2', memory: opts.memory ?? '4Gi', pods: opts.pods ?? '110' } }),
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
      nodeInfo: { kubeletVersion: opts.kubelet ?? 'v1.30.5' },
    },
  };
}

export interface PodOptions {
  namespace?: string;
  owner?: [kind: string, name: string];
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  volumes?: object[];
  phase?: string;
  ready?: boolean;
  mirror?: boolean;
  deleting?: boolean;
  tolerations?: object[];
  nodeSelector?: Record<string, string>;
  affinity?: object;
  hostPort?: number;
  spec?: Record<string, unknown>;
}

export function pod(name: string, nodeName: string | undefined, opts: PodOptions = {}): KubeObject {
  const requests = { ...(opts.cpu ? { cpu: opts.cpu } : {}), ...(opts.memory ? { memory: opts.memory } : {}) };
  const phase = opts.phase ?? 'Running';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      labels: opts.labels ?? {},
      ...(opts.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'abc123' } } : {}),
      ...(opts.deleting ? { deletionTimestamp: '2026-11-19T23:59:00Z' } : {}),
      ...(opts.owner ? { ownerReferences: [{ apiVersion: opts.owner[0] === 'Job' ? 'batch/v1' : 'apps/v1', kind: opts.owner[0], name: opts.owner[1], uid: `uid-${opts.owner[1]}`, controller: true }] } : {}),
    },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [{ name: 'main', image: 'nginx:1.27', ...(Object.keys(requests).length ? { resources: { requests } } : {}), ...(opts.hostPort ? { ports: [{ containerPort: opts.hostPort, hostPort: opts.hostPort }] } : {}) }],
      ...(opts.volumes ? { volumes: opts.volumes } : {}),
      ...(opts.tolerations ? { tolerations: opts.tolerations } : {}),
      ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
      ...(opts.affinity ? { affinity: opts.affinity } : {}),
      ...opts.spec,
    },
    status: { phase, ...(phase === 'Running' ? { conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] } : {}) },
  };
}

export function workload(kind: string, name: string, opts: { namespace?: string; replicas?: number; labels?: Record<string, string>; owner?: [string, string] } = {}): KubeObject {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      ...(opts.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: opts.owner[0], name: opts.owner[1], controller: true }] } : {}),
    },
    spec: {
      ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } },
    },
  };
}

export function pdb(name: string, selector: object | undefined, spec: Record<string, unknown>, opts: { namespace?: string; apiVersion?: string; status?: object } = {}): KubeObject {
  return {
    apiVersion: opts.apiVersion ?? 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: opts.namespace ?? 'default' },
    spec: { ...(selector ? { selector } : {}), ...spec },
    ...(opts.status ? { status: opts.status } : {}),
  };
}

export function raw(objects: KubeObject[], file = 'cluster.yaml'): RawObject[] {
  return objects.map((object, i) => ({ object, provenance: { type: 'file', file, line: i * 10 + 1, column: 1 } }));
}

export function modelOf(objects: KubeObject[], drain?: DrainIntent): ClusterModel {
  const inputs = emptyInputs();
  inputs.objects.push(...raw(objects));
  return buildModel(inputs, { now: new Date('2026-11-20T00:00:00Z'), ...(drain ? { drain } : {}) });
}
