import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { emptyConfig } from '../../src/engine/config.js';
import { run } from '../../src/engine/run.js';
import type { DrainFlags, DrainIntent } from '../../src/model/types.js';
import { NO_FLAGS } from '../../src/predict/drain.js';
import type { KubeObject } from '../../src/sources/types.js';
import { modelOf, node, pdb, pod, workload } from './objects.js';

const drainRuleIds = ['drain-daemonset-pod', 'drain-emptydir-data', 'drain-multiple-pdbs', 'drain-no-capacity', 'drain-pdb-blocks', 'drain-unmanaged-pod', 'node-cordoned', 'single-replica-downtime'];

function findings(objects: KubeObject[], drain?: DrainIntent) {
  const model = modelOf(objects, drain);
  return run(model, rules.filter((r) => drainRuleIds.includes(r.id)), emptyConfig()).findings.map((f) => `${f.ruleId}: ${f.message}`);
}
const draining = (node: string, flags: Partial<DrainFlags> = {}): DrainIntent => ({ nodes: [node], flags: { ...NO_FLAGS, ...flags } });
const ids = (list: string[]) => list.map((f) => f.split(':')[0]);

const twoNodes = [node('node01'), node('node02')];
const rsPod = (name: string, on: string, extra: Parameters<typeof pod>[2] = {}) => pod(name, on, { owner: ['ReplicaSet', 'web-5d9'], labels: { app: 'web' }, ...extra });

describe('drain rules, scanning every node or judging one drain', () => {
  const cluster = [...twoNodes, pod('hr-app', 'node01'), pod('tool', 'node02')];

  it('without a drain, report every node\'s pods', () => {
    expect(findings(cluster).filter((f) => f.startsWith('drain-unmanaged-pod')).map((f) => f.match(/on node (\S+)/)![1])).toEqual(['node01', 'node02']);
  });

  it('for kcheck drain NODE, report only that node\'s pods', () => {
    const only = findings(cluster, draining('node02')).filter((f) => f.startsWith('drain-unmanaged-pod'));
    expect(only).toHaveLength(1);
    expect(only[0]).toMatch(/pod default\/tool on node node02/);
  });

  it('does not call the node being drained "left cordoned"', () => {
    const cordoned = [node('node01', { unschedulable: true }), node('node02', { unschedulable: true })];
    expect(findings(cordoned, draining('node01')).filter((f) => f.startsWith('node-cordoned'))).toEqual([
      'node-cordoned: node node02 is cordoned (spec.unschedulable: true): no new pod is scheduled there, which leaves less room for every drain',
    ]);
  });

  it('drops the DaemonSet finding once --ignore-daemonsets is given, but not for a DaemonSet that is gone', () => {
    const objects = [...twoNodes, workload('DaemonSet', 'node-exporter'), pod('ne-1', 'node01', { owner: ['DaemonSet', 'node-exporter'] }), pod('ls-1', 'node01', { owner: ['DaemonSet', 'log-shipper'] })];
    expect(ids(findings(objects, draining('node01')))).toEqual(['drain-daemonset-pod', 'drain-daemonset-pod']);
    const flagged = findings(objects, draining('node01', { ignoreDaemonsets: true }));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatch(/log-shipper, which no longer exists/);
  });

  it('reports no drain finding for finished and mirror pods', () => {
    const objects = [...twoNodes, pod('done', 'node01', { phase: 'Succeeded', volumes: [{ name: 'x', emptyDir: {} }] }), pod('etcd-node01', 'node01', { mirror: true })];
    expect(findings(objects)).toEqual([]);
  });

  it('--disable-eviction bypasses PDBs, so neither PDB rule fires for that drain', () => {
    const objects = [...twoNodes, rsPod('web-1', 'node01'), rsPod('web-2', 'node02'), pdb('a', { matchLabels: { app: 'web' } }, { maxUnavailable: 0 }), pdb('b', { matchLabels: { app: 'web' } }, { maxUnavailable: 0 })];
    expect(ids(findings(objects, draining('node01')))).toContain('drain-multiple-pdbs');
    expect(ids(findings(objects, draining('node01', { disableEviction: true })))).not.toContain('drain-multiple-pdbs');
  });
});

describe('single-replica-downtime', () => {
  it('fires for a workload whose ready replicas all sit on the node', () => {
    expect(ids(findings([...twoNodes, workload('Deployment', 'web', { replicas: 2 }), workload('ReplicaSet', 'web-5d9', { owner: ['Deployment', 'web'] }), rsPod('web-1', 'node01'), rsPod('web-2', 'node01')]))).toEqual(['single-replica-downtime']);
  });

  it('counts only ready replicas: a not-ready one elsewhere does not keep the workload up', () => {
    expect(ids(findings([...twoNodes, rsPod('web-1', 'node01'), rsPod('web-2', 'node02', { ready: false })]))).toEqual(['single-replica-downtime']);
  });

  it('stays quiet when a PDB makes drain wait for a replacement before the last replica goes', () => {
    const objects = [...twoNodes, rsPod('web-1', 'node01'), rsPod('web-2', 'node01'), pdb('web', { matchLabels: { app: 'web' } }, { maxUnavailable: 1 })];
    expect(findings(objects)).toEqual([]);
  });

  it('ignores Jobs and DaemonSets: they do not serve users', () => {
    const objects = [...twoNodes, pod('job-1', 'node01', { owner: ['Job', 'nightly'] }), workload('DaemonSet', 'ne'), pod('ne-1', 'node01', { owner: ['DaemonSet', 'ne'] })];
    expect(findings(objects, draining('node01', { ignoreDaemonsets: true }))).toEqual([]);
  });
});

describe('PDB rules from manifests alone', () => {
  it('drain-pdb-blocks: a blocking spec guarding a workload template', () => {
    expect(ids(findings([workload('Deployment', 'web', { replicas: 2 }), pdb('web', { matchLabels: { app: 'web' } }, { minAvailable: 2 })]))).toEqual(['drain-pdb-blocks']);
  });

  it('drain-pdb-blocks: quiet for a PDB read from a cluster that selects no pods, and for one that selects nothing', () => {
    expect(findings([...twoNodes, pdb('stale', { matchLabels: { app: 'gone' } }, { maxUnavailable: 0 }, { status: { disruptionsAllowed: 0 } })])).toEqual([]);
    expect(findings([pdb('none', undefined, { maxUnavailable: 0 })])).toEqual([]);
  });

  it('drain-multiple-pdbs: two PDBs selecting one pod template', () => {
    const objects = [workload('Deployment', 'web', { replicas: 3 }), pdb('a', { matchLabels: { app: 'web' } }, { maxUnavailable: 1 }), pdb('b', {}, { maxUnavailable: 1 })];
    expect(findings(objects)).toEqual([
      'drain-multiple-pdbs: the pods of Deployment default/web are selected by 2 PodDisruptionBudgets (default/a, default/b): the Eviction API refuses them with 500 and every kubectl drain of their nodes fails',
    ]);
  });
});
