import { describe, expect, it } from 'vitest';
import { NO_FLAGS, predictDrainRun, simulateDrain } from '../../src/predict/drain.js';
import type { KubeObject } from '../../src/sources/types.js';
import { modelOf, node, pdb, pod, workload } from './objects.js';

const replica = (name: string, on: string, opts: Parameters<typeof pod>[2] = {}) => pod(name, on, { owner: ['ReplicaSet', 'web-1'], labels: { app: 'web' }, ...opts });
const budget = (status: Record<string, number>, spec: Record<string, unknown> = { maxUnavailable: 1 }, generation?: number): KubeObject => {
  const object = pdb('web', { matchLabels: { app: 'web' } }, spec, { status: { observedGeneration: 1, ...status } });
  return generation === undefined ? object : { ...object, metadata: { ...object.metadata, generation } };
};
const answers = (objects: KubeObject[], flags = NO_FLAGS) =>
  Object.fromEntries(simulateDrain(modelOf(objects), 'w1', flags).fates.map((f) => [f.pod.name, [f.eviction?.result === 'refused' ? `${f.eviction.code} ${f.eviction.reason}` : f.eviction?.result, f.end]]));

describe('the Eviction API as kube-apiserver v1.35.4 answers', () => {
  const nodes = [node('w1'), node('w2'), node('w3')];

  // eviction.go#L413-L428: 429 with Retry-After 10 while observedGeneration < generation
  it('a PDB not processed yet (observedGeneration below generation): 429 that client-go retries 10 times 10 s apart inside one call', () => {
    const objects = [...nodes, workload('ReplicaSet', 'web-1', { replicas: 3, labels: { app: 'web' } }), replica('web-a', 'w1'), budget({ disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2 }, { maxUnavailable: 1 }, 2)];
    expect(answers(objects)).toEqual({ 'web-a': ['429 stale-budget', 'waits'] });
    const timed = predictDrainRun(modelOf(objects), ['w1'], { ...NO_FLAGS, timeoutSeconds: 5 });
    expect(timed.outcome).toBe('stops');
    expect(timed.nodes[0]!.givesUpAfterSeconds).toBe(105);
    expect(timed.outcomeReason).toMatch(/^drain gives up after --timeout=5s \(about 1m45s: client-go retries the 429 10 times, 10 s apart, inside one eviction call, and kubectl checks --timeout only between calls\)/);
    // Never processed: a PDB with a generation and no status at all.
    const fresh = { ...pdb('web', { matchLabels: { app: 'web' } }, { maxUnavailable: 1 }), metadata: { name: 'web', namespace: 'default', generation: 1 } };
    expect(answers([...nodes, replica('web-a', 'w1'), fresh])).toEqual({ 'web-a': ['429 stale-budget', 'waits'] });
  });

  // eviction.go#L238-L254
  it('an unready pod: AlwaysAllow lets it go, IfHealthyBudget only when the budget is met', () => {
    const unready = replica('web-a', 'w1', { ready: false });
    const short = { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2 };
    expect(answers([...nodes, unready, budget(short, { minAvailable: 2, unhealthyPodEvictionPolicy: 'AlwaysAllow' })])).toEqual({ 'web-a': ['allowed', 'gone'] });
    expect(answers([...nodes, unready, budget(short, { minAvailable: 2, unhealthyPodEvictionPolicy: 'IfHealthyBudget' })])).toEqual({ 'web-a': ['429 budget', 'waits'] });
    expect(answers([...nodes, unready, budget({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 }, { minAvailable: 2 })])).toEqual({ 'web-a': ['allowed', 'gone'] });
  });

  it('a negative disruptionsAllowed: 403, and drain fails without retrying', () => {
    expect(answers([...nodes, replica('web-a', 'w1'), budget({ disruptionsAllowed: -1, currentHealthy: 1, desiredHealthy: 2 })])).toEqual({ 'web-a': ['403 negative-budget', 'fails'] });
  });

  // NamespaceLifecycle admission (k8s.io/apiserver v0.35.4 plugin/namespace/lifecycle/admission.go#L168-L183); drain.go#L315-L325
  it('a Terminating namespace: 403 retried until --timeout, and a pod already deleting is waited for instead', () => {
    const doomed = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' }, status: { phase: 'Terminating' } };
    const going = replica('web-b', 'w1', { deleting: true });
    const run = predictDrainRun(modelOf([...nodes, doomed, replica('web-a', 'w1'), going]), ['w1'], NO_FLAGS);
    const fates = Object.fromEntries(run.nodes[0]!.fates.map((f) => [f.pod.name, f]));
    expect(fates['web-a']!.eviction).toMatchObject({ result: 'refused', code: 403, reason: 'terminating-namespace', retried: true });
    expect(fates['web-a']!.end).toBe('waits');
    expect(fates['web-b']!.end).not.toBe('waits');
    expect(run.outcome).toBe('hangs');
    expect(run.kubectlOutput).toContain('error when evicting pod "web-a" from terminating namespace "default" (will retry after 5s): pods "web-a" is forbidden: unable to create new content in namespace default because it is being terminated');
  });

  it('each accepted eviction uses one disruption: the next waits for a replacement, and hangs when no replacement can run', () => {
    const objects = [...nodes, workload('ReplicaSet', 'web-1', { replicas: 3, labels: { app: 'web' } }), replica('web-a', 'w1'), replica('web-b', 'w1'), replica('web-c', 'w2'), budget({ disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2 })];
    expect(answers(objects)).toEqual({ 'web-a': ['allowed', 'gone'], 'web-b': ['retried', 'gone'] });
    expect(predictDrainRun(modelOf(objects), ['w1'], NO_FLAGS).outcome).toBe('completes');
    // A server dry run never uses the budget up.
    expect(answers(objects, { ...NO_FLAGS, dryRun: 'server' })).toEqual({ 'web-a': ['allowed', 'gone'], 'web-b': ['allowed', 'gone'] });
    // The only other nodes are cordoned: web-a's replacement cannot be scheduled, so the budget never comes back.
    const stuck = objects.map((o) => (o.kind === 'Node' && o.metadata?.name !== 'w1' ? node(o.metadata!.name!, { unschedulable: true }) : o));
    const run = predictDrainRun(modelOf(stuck), ['w1'], NO_FLAGS);
    expect(run.outcome).toBe('hangs');
    expect(run.nodes[0]!.fates.find((f) => f.pod.name === 'web-b')!.holdUp).toMatch(/none of their replacements can become Ready/);
  });

  // drain.go#L415-L450, filters.go#L253-L264
  it('waits for a pod held by a finalizer, or on a node that is not Ready; --grace-period=0 and --skip-wait-for-delete-timeout end the wait', () => {
    const held = { ...replica('web-a', 'w1'), metadata: { ...replica('web-a', 'w1').metadata, finalizers: ['example.com/hold'] } };
    expect(answers([...nodes, held])).toEqual({ 'web-a': ['allowed', 'waits'] });
    expect(answers([...nodes, held], { ...NO_FLAGS, skipWaitForDeleteTimeoutSeconds: 30 })).toEqual({ 'web-a': ['allowed', 'gone'] });
    const down = [node('w1', { ready: false }), node('w2'), replica('web-a', 'w1')];
    expect(answers(down)).toEqual({ 'web-a': ['allowed', 'waits'] });
    expect(answers(down, { ...NO_FLAGS, gracePeriodSeconds: 0 })).toEqual({ 'web-a': ['allowed', 'gone'] });
  });
});
