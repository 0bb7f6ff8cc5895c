import { describe, expect, it } from 'vitest';
import { readPods } from '../../src/model/pods.js';
import { labelSelectorMatches, nodeMatchesAffinity, toleratesTaint, untoleratedTaint } from '../../src/model/walks.js';
import { podsOnNode } from '../../src/model/cluster-index.js';
import type { KubeObject } from '../../src/sources/types.js';
import { modelOf, node, pdb, pod, raw, workload } from './objects.js';

const withContainers = (spec: Record<string, unknown>): KubeObject => pod('p', 'node01', { spec });

describe('pod requests, as the scheduler counts them', () => {
  const requestsOf = (spec: Record<string, unknown>) => modelOf([withContainers(spec)]).pods[0]!.requests;

  it('sums the containers and turns cpu into millicores and memory into bytes', () => {
    expect(requestsOf({ containers: [
      { name: 'a', image: 'x', resources: { requests: { cpu: '250m', memory: '64Mi' } } },
      { name: 'b', image: 'x', resources: { requests: { cpu: 1, memory: '1Gi' } } },
    ] })).toEqual({ cpu: 1250, memory: 64 * 2 ** 20 + 2 ** 30 });
  });

  it('takes the largest init container when it is larger than the sum', () => {
    expect(requestsOf({
      initContainers: [{ name: 'migrate', image: 'x', resources: { requests: { cpu: '2' } } }],
      containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '500m' } } }],
    })).toEqual({ cpu: 2000 });
  });

  it('adds sidecars (restartPolicy: Always) to the app containers and to later init containers', () => {
    expect(requestsOf({
      initContainers: [
        { name: 'proxy', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
        { name: 'migrate', image: 'x', resources: { requests: { cpu: '1' } } },
      ],
      containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '500m' } } }],
    })).toEqual({ cpu: 1100 });
  });

  it('adds spec.overhead and defaults a missing request to the limit', () => {
    expect(requestsOf({
      overhead: { cpu: '250m' },
      containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '128Mi' }, requests: { memory: '64Mi' } } }],
    })).toEqual({ cpu: 1250, memory: 64 * 2 ** 20 });
  });
});

describe('pods', () => {
  it('follows the controller chain through the workloads read: Pod → ReplicaSet → Deployment, Job → CronJob', () => {
    const model = modelOf([
      workload('Deployment', 'web'),
      workload('ReplicaSet', 'web-5d9', { owner: ['Deployment', 'web'] }),
      pod('web-5d9-a', 'node01', { owner: ['ReplicaSet', 'web-5d9'] }),
      { ...workload('Job', 'nightly-1'), metadata: { name: 'nightly-1', namespace: 'default', ownerReferences: [{ kind: 'CronJob', name: 'nightly', controller: true }] } },
      pod('nightly-1-x', 'node01', { owner: ['Job', 'nightly-1'] }),
      pod('lonely-rs-pod', 'node01', { owner: ['ReplicaSet', 'unread'] }),
    ]);
    const top = Object.fromEntries(model.pods.map((p) => [p.name, `${p.topController?.kind}/${p.topController?.name}`]));
    expect(top).toEqual({ 'web-5d9-a': 'Deployment/web', 'nightly-1-x': 'CronJob/nightly', 'lonely-rs-pod': 'ReplicaSet/unread' });
  });

  it('reads phase, deletion, mirror annotation, readiness, volumes, tolerations, selectors and host ports', () => {
    const [p] = modelOf([pod('p', 'node01', {
      phase: 'Running', ready: false, deleting: true, mirror: true,
      volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', hostPath: { path: '/data' } }, { name: 'c', csi: { driver: 'x' } }],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
      nodeSelector: { disktype: 'ssd' },
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] },
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node09'] }] },
      ] } } },
      hostPort: 8443,
    })]).pods;
    expect(p).toMatchObject({
      phase: 'Running', ready: false, deleting: true, mirror: true,
      volumes: [{ name: 'a', type: 'emptyDir' }, { name: 'b', type: 'hostPath', hostPath: '/data' }, { name: 'c', type: 'other' }],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
      nodeSelector: { disktype: 'ssd' },
      requiredNodeAffinity: [[{ key: 'zone', operator: 'In', values: ['a', 'b'] }], [{ key: 'metadata.name', operator: 'In', values: ['node09'], field: true }]],
      hostPorts: [8443],
    });
  });

  it("skips a node's static pod manifests: the API shows them only as mirror pods", () => {
    const raws = raw([pod('etcd-cp', 'cp'), pod('kube-apiserver-cp', 'cp')]);
    raws[0]!.origin = 'static-pod-manifest';
    expect(readPods(raws).map((p) => p.name)).toEqual(['kube-apiserver-cp']);
  });

  it('indexes pods by node', () => {
    const model = modelOf([pod('a', 'node01'), pod('b', 'node02'), pod('c', 'node01'), pod('pending', undefined)]);
    expect(podsOnNode(model, 'node01').map((p) => p.name)).toEqual(['a', 'c']);
  });
});

describe('PodDisruptionBudgets', () => {
  const web = (n: number, ready = n) => Array.from({ length: n }, (_, i) => pod(`web-${i}`, 'node01', { owner: ['ReplicaSet', 'web-5d9'], labels: { app: 'web' }, ready: i < ready }));
  const scaled = (replicas: number) => [workload('Deployment', 'web', { replicas }), workload('ReplicaSet', 'web-5d9', { owner: ['Deployment', 'web'], replicas })];
  const sel = { matchLabels: { app: 'web' } };
  const budget = (spec: Record<string, unknown>, pods = web(3), extra: KubeObject[] = scaled(3), status?: object) =>
    modelOf([...extra, ...pods, pdb('web', sel, spec, status ? { status } : {})]).pdbs[0]!;

  it('prefers status.disruptionsAllowed when the PDB came from a cluster', () => {
    expect(budget({ maxUnavailable: 1 }, web(3), scaled(3), { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 }).allowedDisruptions).toBe(0);
  });

  it('computes minAvailable (an integer) against the ready pods', () => {
    expect(budget({ minAvailable: 2 }).allowedDisruptions).toBe(1);
    expect(budget({ minAvailable: 2 }, web(3, 2)).allowedDisruptions).toBe(0);
  });

  it('scales percentages by the controller\'s replicas and rounds up', () => {
    expect(budget({ minAvailable: '50%' }, web(3), scaled(3))).toMatchObject({ desiredHealthy: 2, allowedDisruptions: 1 });
    expect(budget({ maxUnavailable: '34%' }, web(3), scaled(3))).toMatchObject({ desiredHealthy: 1, allowedDisruptions: 2 });
  });

  it('uses the Deployment\'s replicas as the expected count for maxUnavailable', () => {
    expect(budget({ maxUnavailable: 1 }, web(2), scaled(3))).toMatchObject({ desiredHealthy: 2, allowedDisruptions: 0 });
  });

  it('from manifests alone, names the specs that block every eviction', () => {
    const manifests = scaled(3);
    expect(budget({ maxUnavailable: 0 }, [], manifests).blocksEveryEviction).toBe('maxUnavailable: 0');
    expect(budget({ maxUnavailable: '0%' }, [], manifests).blocksEveryEviction).toBe('maxUnavailable: 0%');
    expect(budget({ minAvailable: '100%' }, [], manifests).blocksEveryEviction).toBe('minAvailable: 100%');
    expect(budget({ minAvailable: 3 }, [], manifests).blocksEveryEviction).toBe('minAvailable: 3 with 3 replicas');
    expect(budget({ minAvailable: 2 }, [], manifests).blocksEveryEviction).toBeNull();
  });

  it('lists the pods it selects, in its namespace only', () => {
    const other = pod('web-x', 'node01', { namespace: 'staging', labels: { app: 'web' }, owner: ['ReplicaSet', 'web-5d9'] });
    expect(budget({ maxUnavailable: 1 }, [...web(2), other]).selectedPods).toEqual(['default/web-0', 'default/web-1']);
  });
});

describe('scheduling walks', () => {
  it('matches label selectors with matchLabels and every expression operator', () => {
    const labels = { app: 'web', tier: 'frontend' };
    expect(labelSelectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels)).toBe(true);
  });

  it('tolerates taints by key, value, effect, and Exists', () => {
    const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    expect(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'gpu' }, taint)).toBe(true);
    expect(toleratesTaint({ key: 'dedicated', operator: 'Equal', value: 'cpu' }, taint)).toBe(false);
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
    expect(toleratesTaint({ operator: 'Exists' }, taint)).toBe(true);
    expect(untoleratedTaint({ tolerations: [] }, [{ key: 'soft', effect: 'PreferNoSchedule' }])).toBeUndefined();
  });

  it('matches nodeSelector and required node affinity (terms ORed, Gt/Lt numeric, matchFields on the name)', () => {
    const n = modelOf([node('node07', { labels: { zone: 'a', cores: '16' } })]).nodes[0]!;
    const affinity = (terms: object[][]) => ({ nodeSelector: {}, requiredNodeAffinity: terms as never });
    expect(nodeMatchesAffinity(n, affinity([[{ key: 'zone', operator: 'In', values: ['b'] }], [{ key: 'cores', operator: 'Gt', values: ['8'] }]]))).toBe(true);
    expect(nodeMatchesAffinity(n, affinity([[{ key: 'metadata.name', operator: 'In', values: ['node07'], field: true }]]))).toBe(true);
    expect(nodeMatchesAffinity(n, affinity([[]]))).toBe(false);
    expect(nodeMatchesAffinity(n, { nodeSelector: { zone: 'b' }, requiredNodeAffinity: [] })).toBe(false);
  });
});
