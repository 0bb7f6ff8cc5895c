import { describe, expect, it } from 'vitest';
import { NO_FLAGS, simulateDrain } from '../../src/predict/drain.js';
import { fitErrorMessage } from '../../src/predict/placement.js';
import type { KubeObject } from '../../src/sources/types.js';
import { modelOf, node, pod } from './objects.js';
import { Rng } from '../fuzz/prng.js';

const evicted = (name: string, opts: Parameters<typeof pod>[2] = {}) => pod(name, 'node01', { owner: ['ReplicaSet', 'app-5d9'], labels: { app: 'app' }, ...opts });
const destinations = (objects: KubeObject[]) =>
  Object.fromEntries(simulateDrain(modelOf(objects), 'node01', NO_FLAGS).fates.map((f) => [f.pod.name, f.destination?.node === undefined ? undefined : f.destination.node ?? `nowhere: ${(f.destination as { message: string }).message}`]));

describe('where evicted pods go', () => {
  it('counts requests of the pods already on a node against its allocatable', () => {
    expect(destinations([node('node01'), node('node02', { cpu: '1' }), pod('busy', 'node02', { cpu: '700m', owner: ['ReplicaSet', 'x'] }), evicted('a', { cpu: '500m' })])).toEqual({
      a: 'nowhere: 0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.',
    });
  });

  it('uses up room as it places pods, first fit', () => {
    const out = destinations([node('node01'), node('node02', { cpu: '1' }), node('node03', { cpu: '1' }), evicted('a', { cpu: '600m' }), evicted('b', { cpu: '600m' }), evicted('c', { cpu: '600m' })]);
    expect(Object.values(out).filter((d) => d?.startsWith('nowhere'))).toHaveLength(1);
    expect(new Set(Object.values(out).filter((d) => !d?.startsWith('nowhere')))).toEqual(new Set(['node02', 'node03']));
  });

  it('counts the pods resource: a node at its pod limit is "Too many pods"', () => {
    expect(destinations([node('node01'), node('node02', { pods: '1' }), pod('x', 'node02', { owner: ['ReplicaSet', 'x'] }), evicted('a')])).toEqual({
      a: 'nowhere: 0/2 nodes are available: 1 Too many pods, 1 node(s) were unschedulable.',
    });
  });

  it('keeps pods off nodes whose NoSchedule or NoExecute taints they do not tolerate', () => {
    const tainted = node('node02', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    expect(destinations([node('node01'), tainted, evicted('a')])).toEqual({
      a: 'nowhere: 0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable.',
    });
    expect(destinations([node('node01'), tainted, evicted('a', { tolerations: [{ key: 'dedicated', operator: 'Exists' }] })])).toEqual({ a: 'node02' });
    expect(destinations([node('node01'), node('node02', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }), evicted('a')])).toEqual({ a: 'node02' });
  });

  it('treats a NotReady node as tainted not-ready, and a cordoned one as unschedulable', () => {
    expect(destinations([node('node01'), node('node02', { ready: false }), node('node03', { unschedulable: true }), evicted('a')])).toEqual({
      a: 'nowhere: 0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 2 node(s) were unschedulable.',
    });
  });

  it('honours nodeSelector and required node affinity', () => {
    const objects = [node('node01'), node('node02'), node('node03', { labels: { zone: 'b' } })];
    expect(destinations([...objects, evicted('a', { nodeSelector: { zone: 'b' } })])).toEqual({ a: 'node03' });
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['b'] }] }] } } };
    expect(destinations([...objects, evicted('a', { affinity })])).toEqual({ a: 'node02' });
  });

  it('refuses a node whose host port is taken', () => {
    expect(destinations([node('node01'), node('node02'), pod('ingress-b', 'node02', { hostPort: 443, owner: ['ReplicaSet', 'ingress'] }), evicted('a', { hostPort: 443 })])).toEqual({
      a: "nowhere: 0/2 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) were unschedulable.",
    });
  });

  it('spreads replicas of one workload before stacking them', () => {
    const out = destinations([node('node01'), node('node02'), node('node03'), pod('app-x', 'node02', { owner: ['ReplicaSet', 'app-5d9'], labels: { app: 'app' } }), evicted('a')]);
    expect(out).toEqual({ a: 'node03' });
  });

  it('assumes room on a node whose allocatable is unknown, and says so', () => {
    const drain = simulateDrain(modelOf([node('node01'), node('node02', { allocatable: false }), evicted('a', { cpu: '64' })]), 'node01', NO_FLAGS);
    expect(drain.fates[0]!.destination).toEqual({ node: 'node02', capacityChecked: false });
    expect(drain.notes).toContain('node02 has no status.allocatable in the input: whether the pods fit there was not checked');
  });

  it('does not place pods nothing recreates, nor pods that stay', () => {
    const drain = simulateDrain(modelOf([node('node01'), node('node02'), pod('bare', 'node01'), pod('done', 'node01', { phase: 'Succeeded', owner: ['Job', 'j'] }), pod('static', 'node01', { mirror: true })]), 'node01', { ...NO_FLAGS, force: true });
    expect(drain.fates.map((f) => [f.pod.name, f.action, f.destination])).toEqual([
      ['bare', 'delete-forever', null],
      ['done', 'evict', null],
      ['static', 'skip', null],
    ]);
  });

  it('words the summary as the scheduler does: counts per reason, sorted', () => {
    expect(fitErrorMessage(4, ['Insufficient cpu, Insufficient memory', 'node(s) were unschedulable', 'Insufficient cpu', 'node(s) were unschedulable'])).toBe(
      '0/4 nodes are available: 1 Insufficient memory, 2 Insufficient cpu, 2 node(s) were unschedulable.',
    );
  });
});

/** Three workers in two zones, each running one replica of web. */
const zoned = (name: string, zone: string) => node(name, { labels: { 'topology.kubernetes.io/zone': zone } });
const web = (name: string, on: string, spec: Record<string, unknown> = {}) => pod(name, on, { owner: ['ReplicaSet', 'web-5d9'], labels: { app: 'web' }, spec });
const hostnameAntiAffinity = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } } };
const spread = (extra: Record<string, unknown> = {}) => ({
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...extra }],
});

describe('the scheduler filters that look at other pods and at volumes', () => {
  // interpodaffinity/filtering.go#L367-L379 and #L423-L425
  it('required pod anti-affinity: a replica cannot join another on the same hostname', () => {
    expect(destinations([zoned('node01', 'a'), zoned('node02', 'a'), zoned('node03', 'b'), web('web-1', 'node01', hostnameAntiAffinity), web('web-2', 'node02', hostnameAntiAffinity)])).toEqual({
      'web-1': 'node03',
    });
    expect(destinations([zoned('node01', 'a'), zoned('node02', 'a'), zoned('node03', 'b'), web('web-1', 'node01', hostnameAntiAffinity), web('web-2', 'node02', hostnameAntiAffinity), web('web-3', 'node03', hostnameAntiAffinity)])).toEqual({
      'web-1': "nowhere: 0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod anti-affinity rules.",
    });
  });

  // interpodaffinity/filtering.go#L352-L364 and #L427-L429
  it('the anti-affinity of a pod already there keeps the replacement out of its domain', () => {
    const guard = pod('guard', 'node02', { owner: ['ReplicaSet', 'guard-1'], labels: { app: 'guard' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'topology.kubernetes.io/zone' }] } } });
    expect(destinations([zoned('node01', 'b'), zoned('node02', 'a'), zoned('node03', 'a'), web('web-1', 'node01'), guard])).toEqual({
      'web-1': "nowhere: 0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't satisfy existing pods anti-affinity rules.",
    });
  });

  // podtopologyspread/filtering.go#L314-L359: the drained node still counts as a domain (nodeTaintsPolicy defaults to Ignore)
  it('topology spread DoNotSchedule: with one replica on every node, the drained node\'s empty domain keeps the replacement Pending', () => {
    const objects = [node('node01'), node('node02'), node('node03'), web('web-1', 'node01', spread()), web('web-2', 'node02', spread()), web('web-3', 'node03', spread())];
    expect(destinations(objects)).toEqual({ 'web-1': "nowhere: 0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match pod topology spread constraints." });
    // nodeTaintsPolicy: Honor leaves the cordoned node (its unschedulable taint) out of the domains.
    const honoring = [node('node01'), node('node02'), node('node03'), web('web-1', 'node01', spread({ nodeTaintsPolicy: 'Honor' })), web('web-2', 'node02'), web('web-3', 'node03')];
    expect(destinations(honoring)).toEqual({ 'web-1': 'node02' });
    // ScheduleAnyway is a preference, not a filter.
    const soft = [node('node01'), node('node02'), web('web-1', 'node01', spread({ whenUnsatisfiable: 'ScheduleAnyway' })), web('web-2', 'node02')];
    expect(destinations(soft)).toEqual({ 'web-1': 'node02' });
  });

  it('topology spread: a node without the topology key fails with the missing-label reason', () => {
    const zone = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] };
    expect(destinations([zoned('node01', 'a'), node('node02'), web('web-1', 'node01', zone)])).toEqual({
      'web-1': "nowhere: 0/2 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label), 1 node(s) were unschedulable.",
    });
  });

  // volumebinding/binder.go#L66 and #L295-L315
  it('a PersistentVolume whose node affinity names the drained node pins the pod: it cannot move at all', () => {
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-db-0', namespace: 'default' }, spec: { volumeName: 'local-pv-node01' } };
    const pv = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'local-pv-node01' },
      spec: { local: { path: '/mnt/disks/ssd1' }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node01'] }] }] } } },
    };
    const db = pod('db-0', 'node01', { owner: ['StatefulSet', 'db'], labels: { app: 'db' }, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }] });
    expect(destinations([node('node01'), node('node02'), node('node03'), claim, pv, db])).toEqual({
      'db-0': "nowhere: 0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match PersistentVolume's node affinity.",
    });
    // A generic ephemeral volume's claim is <pod>-<volume>.
    const scratchClaim = { ...claim, metadata: { name: 'db-0-scratch', namespace: 'default' } };
    const withEphemeral = pod('db-0', 'node01', { owner: ['StatefulSet', 'db'], volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }] });
    expect(destinations([node('node01'), node('node02'), scratchClaim, pv, withEphemeral])['db-0']).toMatch(/1 node\(s\) didn't match PersistentVolume's node affinity/);
  });

  // tainttoleration/taint_toleration.go#L131 (kubernetes/kubernetes#134740)
  it('words an untolerated taint as the cluster\'s scheduler does: without the taint from 1.35 on', () => {
    const apiserver = pod('kube-apiserver-cp', 'cp', { namespace: 'kube-system', mirror: true, spec: { containers: [{ name: 'kube-apiserver', image: 'registry.k8s.io/kube-apiserver:v1.35.4' }] } });
    const tainted = node('node02', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    expect(destinations([node('node01'), tainted, apiserver, evicted('a')])).toEqual({
      a: 'nowhere: 0/2 nodes are available: 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable.',
    });
  });
});

describe('placement at scale keeps the order a full sort gives', () => {
  // The candidates come from a name-ordered list with only the nodes that run the workload sorted; the
  // reference below sorts every node for every pod, as the scheduler's spreading preference is defined.
  it('places each replacement where sorting every node by (replicas of its workload, name) would', () => {
    const rng = new Rng(18);
    const names = Array.from({ length: 40 }, (_, i) => `node${String(i + 1).padStart(2, '0')}`);
    const cpu = new Map(names.map((n) => [n, n === 'node01' ? 4000 : 500 + 250 * rng.int(4)]));
    const objects: KubeObject[] = names.map((n) => node(n, { cpu: `${cpu.get(n)}m` }));
    const running: { name: string; node: string; app: string; milli: number }[] = [];
    for (let i = 0; i < 160; i++) {
      const app = `app${rng.int(12)}`;
      const on = i < 14 ? 'node01' : names[1 + rng.int(names.length - 1)]!;
      const milli = 50 + 50 * rng.int(4);
      const used = running.filter((r) => r.node === on).reduce((sum, r) => sum + r.milli, 0);
      if (used + milli > cpu.get(on)!) continue;
      running.push({ name: `${app}-${String(i).padStart(3, '0')}`, node: on, app, milli });
      objects.push(pod(running.at(-1)!.name, on, { cpu: `${milli}m`, owner: ['ReplicaSet', `${app}-5d9`], labels: { app } }));
    }
    const drain = simulateDrain(modelOf(objects), 'node01', NO_FLAGS);

    const free = new Map(names.map((n) => [n, cpu.get(n)! - running.filter((r) => r.node === n).reduce((sum, r) => sum + r.milli, 0)]));
    const replicas = (n: string, app: string) => running.filter((r) => r.node === n && r.app === app).length;
    const expected: Record<string, string | null> = {};
    for (const leaving of running.filter((r) => r.node === 'node01').sort((a, b) => a.name.localeCompare(b.name))) {
      const order = names.filter((n) => n !== 'node01').sort((a, b) => replicas(a, leaving.app) - replicas(b, leaving.app) || a.localeCompare(b));
      const to = order.find((n) => free.get(n)! >= leaving.milli) ?? null;
      expected[leaving.name] = to;
      if (to) {
        free.set(to, free.get(to)! - leaving.milli);
        running.push({ ...leaving, node: to, name: `${leaving.name}-replacement` });
      }
    }
    const placed = Object.fromEntries(drain.fates.map((f) => [f.pod.name, f.destination?.node ?? null]));
    expect(Object.keys(expected).length).toBeGreaterThan(5);
    expect(Object.values(expected).filter((n) => n !== null).length).toBeGreaterThan(3);
    expect(placed).toEqual(expected);
  });
});
