import { describe, expect, it } from 'vitest';
import { changePods, nodesRunningWorkload, podsOnNode, podsWithAntiAffinity, readyReplicas, unboundPods } from '../../src/model/cluster-index.js';
import type { ClusterModel, Pod } from '../../src/model/types.js';
import { workloadKeyOf } from '../../src/model/walks.js';
import { modelOf, node, pod } from '../drain/objects.js';
import { Rng } from '../fuzz/prng.js';

const NODES = Array.from({ length: 12 }, (_, i) => `node${String(i).padStart(2, '0')}`);
const APPS = Array.from({ length: 6 }, (_, i) => `app${i}`);

/** Every view as plain data, looked up through the model, so a carried index and a fresh one can be compared. */
function views(model: ClusterModel): unknown {
  const keys = [...new Set(model.pods.flatMap((p) => workloadKeyOf(p) ?? []))].sort();
  const names = (pods: readonly Pod[]) => pods.map((p) => `${p.name}@${p.nodeName ?? '-'}`);
  return {
    byNode: Object.fromEntries(NODES.map((n) => [n, names(podsOnNode(model, n))])),
    ready: Object.fromEntries(keys.map((k) => [k, names(readyReplicas(model, k))])),
    spread: Object.fromEntries(keys.map((k) => [k, [...nodesRunningWorkload(model, k)].sort()])),
    antiAffinity: names(podsWithAntiAffinity(model)),
    unbound: names(unboundPods(model)),
  };
}

/** The same pods in a list of their own: its views are built from scratch. */
const fresh = (model: ClusterModel): ClusterModel => ({ ...model, pods: [...model.pods] });

describe('the pod views a derived pod list carries over', () => {
  it('match the views built from scratch after each of 60 seeded changes', () => {
    const rng = new Rng(2026);
    const objects = [
      ...NODES.map((n) => node(n)),
      ...Array.from({ length: 150 }, (_, i) => {
        const app = APPS[rng.int(APPS.length)]!;
        return pod(`p${String(i).padStart(3, '0')}`, rng.chance(0.1) ? undefined : NODES[rng.int(NODES.length)], {
          owner: ['ReplicaSet', `${app}-5d9`],
          labels: { app },
          ready: rng.chance(0.8),
          phase: rng.chance(0.05) ? 'Succeeded' : 'Running',
          ...(rng.chance(0.1) ? { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app } } }] } } } : {}),
        });
      }),
    ];
    let model = modelOf(objects);
    for (let step = 0; step < 60; step++) {
      // Ask for the views first, so that there is something to carry.
      views(model);
      const replaced = new Map<Pod, Pod>();
      const removed = new Set<Pod>();
      for (const p of model.pods) {
        if (!rng.chance(0.05)) continue;
        const choice = rng.int(4);
        if (choice === 0) removed.add(p);
        else if (choice === 1) {
          const { nodeName: _gone, ...pending } = p;
          replaced.set(p, { ...pending, phase: 'Pending', ready: false });
        } else replaced.set(p, { ...p, nodeName: NODES[rng.int(NODES.length)]!, phase: 'Running', ready: choice === 2 });
      }
      const next: ClusterModel = { ...model, pods: changePods(model, { replaced, removed }) };
      expect(next.pods.map((p) => p.name)).toEqual(model.pods.filter((p) => !removed.has(p)).map((p) => p.name));
      expect(next.pods.every((p, i) => p === (replaced.get(model.pods.filter((q) => !removed.has(q))[i]!) ?? model.pods.filter((q) => !removed.has(q))[i]))).toBe(true);
      expect(views(next)).toEqual(views(fresh(next)));
      // The list it came from still answers for itself (its views are rebuilt).
      expect(views(model)).toEqual(views(fresh(model)));
      model = next;
    }
  });

  it('leaves lists it handed out as they were', () => {
    const model = modelOf([node('node00'), node('node01'), pod('a', 'node00', { owner: ['ReplicaSet', 'app-5d9'] }), pod('b', 'node00', { owner: ['ReplicaSet', 'app-5d9'] })]);
    const key = workloadKeyOf(model.pods[0]!)!;
    const handed = readyReplicas(model, key);
    const copy = [...handed];
    changePods(model, { replaced: new Map([[model.pods[0]!, { ...model.pods[0]!, nodeName: 'node01' }]]), removed: new Set([model.pods[1]!]) });
    expect(handed).toEqual(copy);
  });

  it('works on a list assembled out of order', () => {
    const model = modelOf([node('node00'), pod('a', 'node00'), pod('b', 'node00'), pod('c', 'node00')]);
    const shuffled: ClusterModel = { ...model, pods: [model.pods[2]!, model.pods[0]!, model.pods[1]!] };
    views(shuffled);
    const moved = { ...shuffled.pods[1]!, nodeName: 'node01' };
    const next: ClusterModel = { ...shuffled, pods: changePods(shuffled, { replaced: new Map([[shuffled.pods[1]!, moved]]), removed: new Set([shuffled.pods[0]!]) }) };
    expect(next.pods.map((p) => `${p.name}@${p.nodeName}`)).toEqual(['a@node01', 'b@node00']);
    expect(views(next)).toEqual(views(fresh(next)));
  });
});
