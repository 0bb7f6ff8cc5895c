import { describe, expect, it } from 'vitest';
import { NO_FLAGS, drainFilter, isDaemonSetPod, podsDrainLists } from '../../src/predict/drain-filters.js';
import { parseLabelSelector, selectorMatches } from '../../src/predict/label-selector.js';
import type { KubeObject } from '../../src/sources/types.js';
import { modelOf, node, pod, workload } from './objects.js';

const ownedBy = (name: string, apiVersion: string, kind: string, owner: string, uid = `uid-${owner}`): KubeObject => {
  const p = pod(name, 'w1', {});
  return { ...p, metadata: { ...p.metadata, ownerReferences: [{ apiVersion, kind, name: owner, uid, controller: true }] } };
};

describe('kubectl\'s filters, exactly (k8s.io/kubectl v0.35.4 pkg/drain/filters.go)', () => {
  const ds = workload('DaemonSet', 'agent');
  const verdict = (objects: KubeObject[], name: string, flags = NO_FLAGS) => {
    const model = modelOf([node('w1'), ...objects]);
    return drainFilter(model, model.pods.find((p) => p.name === name)!, flags).final;
  };

  // isControllerRefDaemonSet, filters.go#L174-L178
  it('a pod is DaemonSet-managed only for a controllerRef apps/v1 DaemonSet', () => {
    const model = modelOf([node('w1'), ownedBy('a', 'apps/v1', 'DaemonSet', 'agent'), ownedBy('b', 'apps.kruise.io/v1alpha1', 'DaemonSet', 'agent'), ownedBy('c', 'extensions/v1beta1', 'DaemonSet', 'agent')]);
    expect(model.pods.map((p) => [p.name, isDaemonSetPod(p)])).toEqual([['a', true], ['b', false], ['c', false]]);
    expect(verdict([ds, ownedBy('b', 'apps.kruise.io/v1alpha1', 'DaemonSet', 'agent')], 'b')).toMatchObject({ type: 'Okay', delete: true });
    expect(verdict([ds, ownedBy('c', 'extensions/v1beta1', 'DaemonSet', 'agent')], 'c')).toMatchObject({ type: 'Okay', delete: true });
  });

  // filters.go#L196: the DaemonSet is fetched by name; its uid is not compared
  it('a DaemonSet owner whose uid does not match is still the DaemonSet of that name', () => {
    expect(verdict([ds, ownedBy('a', 'apps/v1', 'DaemonSet', 'agent', 'another-uid')], 'a')).toMatchObject({ type: 'Error', message: 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)' });
    expect(verdict([workload('DaemonSet', 'other'), ownedBy('a', 'apps/v1', 'DaemonSet', 'agent')], 'a')).toMatchObject({ type: 'Error', message: 'daemonsets.apps "agent" not found' });
  });

  // skipDeletedFilter, filters.go#L253-L264
  it('--skip-wait-for-delete-timeout leaves a pod whose deletionTimestamp is older than N seconds', () => {
    const going = pod('a', 'w1', { owner: ['ReplicaSet', 'x'], deleting: true }); // deleted 60 s before the capture
    expect(verdict([going], 'a', { ...NO_FLAGS, skipWaitForDeleteTimeoutSeconds: 30 })).toMatchObject({ filter: 'skipDeleted', type: 'Skip', delete: false });
    expect(verdict([going], 'a', { ...NO_FLAGS, skipWaitForDeleteTimeoutSeconds: 120 })).toMatchObject({ type: 'Okay', delete: true });
  });

  // GetPodsForDeletion, drain.go#L184-L217
  it('--pod-selector lists only the matching pods', () => {
    const model = modelOf([node('w1'), pod('keep', 'w1', { labels: { app: 'keep' } }), pod('debug', 'w1', { labels: { app: 'debug' } }), pod('bare', 'w1')]);
    expect(podsDrainLists(model, 'w1', { ...NO_FLAGS, podSelector: 'app=keep' }).map((p) => p.name)).toEqual(['keep']);
    expect(podsDrainLists(model, 'w1', { ...NO_FLAGS, podSelector: 'app!=keep' }).map((p) => p.name).sort()).toEqual(['bare', 'debug']);
    expect(() => podsDrainLists(model, 'w1', { ...NO_FLAGS, podSelector: 'app in (' })).toThrow(/--pod-selector=<pod_selector> must be a valid label selector/);
  });
});

describe('label selectors as kubectl parses them (apimachinery labels.Parse)', () => {
  const matches = (selector: string, labels: Record<string, string>) => {
    const parsed = parseLabelSelector(selector);
    if (!parsed.ok) throw new Error(parsed.error);
    return selectorMatches(parsed.requirements, labels);
  };
  it('equality, inequality, sets, existence', () => {
    expect(matches('app=web,tier!=db', { app: 'web' })).toBe(true);
    expect(matches('app==web', { app: 'web' })).toBe(true);
    expect(matches('tier!=db', { tier: 'db' })).toBe(false);
    expect(matches('env in (prod, staging)', { env: 'staging' })).toBe(true);
    expect(matches('env notin (prod)', {})).toBe(true);
    expect(matches('!canary', { canary: 'yes' })).toBe(false);
    expect(matches('release', { release: '' })).toBe(true);
    expect(matches('', { any: 'thing' })).toBe(true);
    expect(matches('node-role.kubernetes.io/worker=', { 'node-role.kubernetes.io/worker': '' })).toBe(true);
  });
  it('refuses what labels.Parse refuses', () => {
    for (const bad of ['app in (', '=web', 'app=web,', 'app in ()', 'a b', 'bad key!=x=y']) expect(parseLabelSelector(bad).ok, bad).toBe(false);
  });
});
