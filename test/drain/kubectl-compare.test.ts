import { describe, expect, test } from 'vitest';
import { buildModel } from '../../src/model/build.js';
import type { DrainFlags } from '../../src/model/types.js';
import { NO_FLAGS, simulateDrain, type DrainPrediction } from '../../src/simulate/drain.js';
import { readLive } from '../../src/sources/live/index.js';
import { useTestCluster } from '../cluster/use-cluster.js';
import { CONTEXTS } from '../cluster/start.js';
import { kubectlDrainDryRun, type KubectlDrain } from '../cluster/kubectl-drain.js';

const cluster = useTestCluster();

/** The flag kubectl names for each filter that refuses a pod. */
const FLAG_OF = { daemonSet: '--ignore-daemonsets', localStorage: '--delete-emptydir-data', unreplicated: '--force', mirror: '' } as const;

/** kcheck's prediction in the shape of what kubectl's own output tells (see test/cluster/kubectl-drain.ts). */
function asKubectlSees(p: DrainPrediction): Omit<KubectlDrain, 'exitCode' | 'stdout' | 'stderr'> {
  const key = (f: { pod: { namespace: string; name: string } }) => `${f.pod.namespace}/${f.pod.name}`;
  const refused = p.fates.filter((f) => f.filter.final.type === 'Error');
  // When a filter refuses a pod, kubectl evicts nothing (and says nothing about the others).
  const evicting = refused.length > 0 ? [] : p.fates.filter((f) => f.filter.final.delete);
  return {
    refused: refused.map((f) => ({ pod: key(f), needs: f.filter.final.filter ? FLAG_OF[f.filter.final.filter] : '' })).sort((a, b) => a.pod.localeCompare(b.pod)),
    evicted: evicting.filter((f) => f.eviction?.result !== 'refused').map(key).sort(),
    blockedByPdb: evicting.filter((f) => f.eviction?.result === 'refused' && f.eviction.code === 429).map(key).sort(),
    ignored: refused.length > 0 ? [] : p.fates.filter((f) => f.action === 'skip' && f.filter.final.filter === 'daemonSet').map(key).sort(),
  };
}

async function both(node: string, flags: Partial<DrainFlags>, kubectlFlags: string[]) {
  const c = cluster();
  const inputs = await readLive({ kubeconfig: c.kubeconfigPath, context: CONTEXTS.reader, progress: null });
  const model = buildModel(inputs, { now: new Date() });
  const predicted = simulateDrain(model, node, { ...NO_FLAGS, ...flags });
  const real = await kubectlDrainDryRun(c, node, kubectlFlags);
  const { exitCode: _code, stdout: _out, stderr: _err, ...seen } = real;
  return { predicted, kcheck: asKubectlSees(predicted), kubectl: seen, exitCode: real.exitCode };
}

// The reference for drain behaviour is kubectl itself: `kubectl drain --dry-run=server` against a real
// kube-apiserver holding the same objects kcheck reads (the API server runs the evictions and PDB checks).
describe('kcheck drain predicts what kubectl drain --dry-run=server does, pod by pod', () => {
  test('worker-1 without flags: the same pods refused, with the same flag named for each', async () => {
    const { kcheck, kubectl, predicted, exitCode } = await both('worker-1', {}, []);
    expect(kcheck).toEqual(kubectl);
    expect(predicted.outcome).toBe('refused');
    expect(exitCode).not.toBe(0);
  });

  test('worker-1 without flags: kcheck prints the error lines kubectl prints (Go map order aside)', async () => {
    const { predicted } = await both('worker-1', {}, []);
    const real = await kubectlDrainDryRun(cluster(), 'worker-1');
    const errors = (text: string[]) => new Set(text.slice(text.indexOf(' worker-1') + 1));
    expect(errors(predicted.kubectlOutput)).toEqual(errors(real.stderr.trimEnd().split('\n')));
    // The summary line aggregates the same errors, in an order Go's map iteration picks.
    const summary = (line: string) => line.replace(/^error: unable to drain node "worker-1" due to error: \[?|\]?, continuing command...$/g, '').split(/, (?=cannot delete )/).sort();
    expect(summary(predicted.kubectlOutput.find((l) => l.startsWith('error: '))!)).toEqual(summary(real.stderr.split('\n')[0]!));
  });

  test('worker-1 with every filter flag: the same evictions, and the same pod refused by its PDB', async () => {
    const { kcheck, kubectl, predicted } = await both('worker-1', { ignoreDaemonsets: true, deleteEmptydirData: true, force: true }, ['--ignore-daemonsets', '--delete-emptydir-data', '--force']);
    expect(kcheck).toEqual(kubectl);
    expect(predicted.outcome).toBe('blocked');
  });

  test('worker-2 with --ignore-daemonsets: the drain completes in both', async () => {
    const { kcheck, kubectl, predicted, exitCode } = await both('worker-2', { ignoreDaemonsets: true }, ['--ignore-daemonsets']);
    expect(kcheck).toEqual(kubectl);
    expect(predicted.outcome).toBe('drained');
    expect(exitCode).toBe(0);
  });
});
