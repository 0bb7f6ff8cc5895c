import { describe, expect, it } from 'vitest';
import { NO_FLAGS, simulateDrain } from '../../src/simulate/drain.js';
import { fitErrorMessage } from '../../src/simulate/placement.js';
import type { KubeObject } from '../../src/sources/types.js';
import { modelOf, node, pod } from './objects.js';

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
