import { describe, expect, it } from 'vitest';
import type { DrainFlags } from '../../src/model/types.js';
import { drainFilter, KUBECTL } from '../../src/predict/drain-filters.js';
import { NO_FLAGS, simulateDrain } from '../../src/predict/drain.js';
import type { KubeObject } from '../../src/sources/types.js';
import { modelOf, node, pdb, pod, workload } from './objects.js';

const flags = (set: Partial<DrainFlags>): DrainFlags => ({ ...NO_FLAGS, ...set });
const emptyDir = [{ name: 'cache', emptyDir: {} }];
const daemonSet = workload('DaemonSet', 'node-exporter');

/** The pod's fate under kubectl's filters: the kept status, whether it is deleted, and its message. */
function fate(subject: KubeObject, set: Partial<DrainFlags>, extra: KubeObject[] = [daemonSet]) {
  const model = modelOf([node('node01'), ...extra, subject]);
  const verdict = drainFilter(model, model.pods.find((p) => p.name === subject.metadata?.name)!, flags(set));
  return { type: verdict.final.type, deleted: verdict.final.delete, message: verdict.final.message, lost: verdict.lostForGood, emptyDir: verdict.losesEmptyDir };
}

// REFERENCE.md §1, row by row: filter, pod, without flags, flag, with the flag.
describe('kubectl drain filters (REFERENCE §1 table)', () => {
  const dsPod = pod('node-exporter-x1', 'node01', { owner: ['DaemonSet', 'node-exporter'] });
  const orphanDsPod = pod('log-shipper-x1', 'node01', { owner: ['DaemonSet', 'log-shipper'] });
  const mirror = pod('kube-apiserver-node01', 'node01', { mirror: true });
  const cache = pod('cache-1', 'node01', { owner: ['ReplicaSet', 'cache-7f9'], volumes: emptyDir });
  const bare = pod('hr-app', 'node01');

  it('daemonSet: a running DaemonSet pod is an error without --ignore-daemonsets', () => {
    expect(fate(dsPod, {})).toMatchObject({ type: 'Error', deleted: false, message: 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)' });
  });

  it('daemonSet: with --ignore-daemonsets it is left running, not deleted', () => {
    expect(fate(dsPod, { ignoreDaemonsets: true })).toMatchObject({ type: 'Warning', deleted: false, message: 'ignoring DaemonSet-managed Pods' });
  });

  it('daemonSet: a pod whose DaemonSet no longer exists is a NotFound error without --force', () => {
    expect(fate(orphanDsPod, { ignoreDaemonsets: true })).toMatchObject({ type: 'Error', deleted: false, message: 'daemonsets.apps "log-shipper" not found' });
  });

  it('daemonSet: with --force the orphaned DaemonSet pod is deleted for good', () => {
    expect(fate(orphanDsPod, { force: true })).toMatchObject({ deleted: true, lost: true });
  });

  it('daemonSet: a missing DaemonSet is only "gone" when the input could have shown it', () => {
    expect(fate(orphanDsPod, {}, [])).toMatchObject({ type: 'Error', message: KUBECTL.daemonSetFatal });
  });

  it('mirror: a static pod is skipped silently', () => {
    expect(fate(mirror, {})).toMatchObject({ type: 'Skip', deleted: false, message: '' });
  });

  it('localStorage: an emptyDir pod is an error without --delete-emptydir-data', () => {
    expect(fate(cache, {})).toMatchObject({ type: 'Error', deleted: false, message: 'Pods with local storage (use --delete-emptydir-data to override)' });
  });

  it('localStorage: with --delete-emptydir-data it is deleted and the emptyDir data is gone', () => {
    expect(fate(cache, { deleteEmptydirData: true })).toMatchObject({ deleted: true, emptyDir: true, lost: false });
  });

  it('localStorage: only emptyDir counts, not hostPath or a PVC', () => {
    const hostPath = pod('db-1', 'node01', { owner: ['ReplicaSet', 'db-5c8'], volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }, { name: 'data', persistentVolumeClaim: { claimName: 'data' } }] });
    expect(fate(hostPath, {})).toMatchObject({ type: 'Okay', deleted: true, emptyDir: false });
  });

  it('unreplicated: a pod without a controller is an error without --force, in kubectl 1.30+ words', () => {
    expect(fate(bare, {})).toMatchObject({ type: 'Error', deleted: false, message: 'cannot delete Pods that declare no controller (use --force to override)' });
  });

  it('unreplicated: with --force it is deleted and lost for good', () => {
    expect(fate(bare, { force: true })).toMatchObject({ type: 'Warning', deleted: true, lost: true, message: 'deleting Pods that declare no controller' });
  });

  it('unreplicated: an ownerReference without controller: true does not count as a controller', () => {
    const owned = pod('report', 'node01');
    owned.metadata!.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', uid: 'u1' }];
    expect(fate(owned, {})).toMatchObject({ type: 'Error', message: KUBECTL.unmanagedFatal });
  });

  it('for owners other than DaemonSets only the controllerRef is checked, not that the owner exists', () => {
    const stray = pod('web-abc', 'node01', { owner: ['ReplicaSet', 'web-deleted'] });
    expect(fate(stray, {}, [workload('ReplicaSet', 'other')])).toMatchObject({ type: 'Okay', deleted: true, lost: false });
  });

  it.each(['Succeeded', 'Failed'])('a %s pod passes every filter and is simply deleted', (phase) => {
    expect(fate(pod('bare-done', 'node01', { phase, volumes: emptyDir }), {})).toMatchObject({ type: 'Okay', deleted: true });
    expect(fate(pod('ds-done', 'node01', { phase, owner: ['DaemonSet', 'node-exporter'] }), {})).toMatchObject({ type: 'Okay', deleted: true });
  });

  it('the first filter that refuses decides: a DaemonSet pod with emptyDir stops at the daemonSet filter', () => {
    const both = pod('ds-cache', 'node01', { owner: ['DaemonSet', 'node-exporter'], volumes: emptyDir });
    expect(fate(both, {})).toMatchObject({ message: KUBECTL.daemonSetFatal });
    expect(fate(both, { ignoreDaemonsets: true })).toMatchObject({ type: 'Warning', deleted: false });
  });

  it('a later filter still refuses after an earlier warning: emptyDir allowed, no controller, no --force', () => {
    const both = pod('scratch', 'node01', { volumes: emptyDir });
    expect(fate(both, { deleteEmptydirData: true })).toMatchObject({ type: 'Error', message: KUBECTL.unmanagedFatal });
  });
});

describe('evictions (REFERENCE §1)', () => {
  const web = (name: string, extra: Parameters<typeof pod>[2] = {}) =>
    pod(name, 'node01', { owner: ['ReplicaSet', 'web-5d9'], labels: { app: 'web' }, ...extra });
  const cluster = (objects: KubeObject[]) => modelOf([node('node01'), node('node02'), workload('Deployment', 'web', { replicas: 2 }), ...objects]);
  const answerFor = (objects: KubeObject[], name: string, set: Partial<DrainFlags> = {}) =>
    simulateDrain(cluster(objects), 'node01', flags(set)).fates.find((f) => f.pod.name === name)!;

  it('a PDB allowing 0 disruptions makes the Eviction API answer 429, and drain retries', () => {
    const f = answerFor([web('web-1'), pdb('web', { matchLabels: { app: 'web' } }, { minAvailable: 1 }, { status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1 } })], 'web-1');
    expect(f.action).toBe('refuse');
    expect(f.eviction).toMatchObject({ result: 'refused', code: 429, message: "Cannot evict pod as it would violate the pod's disruption budget." });
  });

  it('a pod matched by more than one PDB gets 500', () => {
    const f = answerFor([web('web-1'), pdb('a', { matchLabels: { app: 'web' } }, { maxUnavailable: 1 }), pdb('b', {}, { maxUnavailable: 1 })], 'web-1');
    expect(f.eviction).toMatchObject({ result: 'refused', code: 500 });
  });

  it.each([
    ['Pending', { phase: 'Pending' }],
    ['already deleting', { deleting: true }],
  ])('PDBs are ignored for a pod that is %s', (_label, extra) => {
    const f = answerFor([web('web-1', extra), pdb('web', { matchLabels: { app: 'web' } }, { minAvailable: '100%' })], 'web-1');
    expect(f.action).toBe('evict');
    expect(f.eviction?.result).toBe('allowed');
  });

  it('--disable-eviction deletes instead of evicting and bypasses PDBs', () => {
    const f = answerFor([web('web-1'), pdb('web', { matchLabels: { app: 'web' } }, { maxUnavailable: 0 })], 'web-1', { disableEviction: true });
    expect(f.action).toBe('delete');
    expect(f.eviction).toBeNull();
  });

  it('a PDB with a missing selector matches nothing', () => {
    const f = answerFor([web('web-1'), pdb('web', undefined, { maxUnavailable: 0 })], 'web-1');
    expect(f.eviction?.result).toBe('allowed');
  });

  it('an empty selector matches every pod of the namespace in policy/v1, and nothing in policy/v1beta1', () => {
    const v1 = answerFor([web('web-1'), pdb('all', {}, { maxUnavailable: 0 })], 'web-1');
    expect(v1.eviction).toMatchObject({ result: 'refused', code: 429 });
    const beta = answerFor([web('web-1'), pdb('all', {}, { maxUnavailable: 0 }, { apiVersion: 'policy/v1beta1' })], 'web-1');
    expect(beta.eviction?.result).toBe('allowed');
  });

  it('each eviction uses up the budget: the second pod waits for the first replacement (429, retried)', () => {
    const model = [web('web-1'), web('web-2'), pod('web-3', 'node02', { owner: ['ReplicaSet', 'web-5d9'], labels: { app: 'web' } }), pdb('web', { matchLabels: { app: 'web' } }, { maxUnavailable: 1 })];
    const drain = simulateDrain(cluster(model), 'node01', NO_FLAGS);
    expect(drain.fates.map((f) => f.eviction?.result)).toEqual(['allowed', 'retried']);
    expect(drain.outcome).toBe('completes');
  });

  it('when any pod is refused by a filter, drain evicts nothing and the node stays cordoned', () => {
    const drain = simulateDrain(cluster([web('web-1'), pod('hr-app', 'node01')]), 'node01', NO_FLAGS);
    expect(drain.outcome).toBe('stops');
    expect(drain.kubectlOutput[0]).toBe('node/node01 cordoned');
    expect(drain.kubectlOutput.some((l) => l.startsWith('evicting pod'))).toBe(false);
    expect(drain.kubectlOutput).toContain('There are pending nodes to be drained:');
  });
});
