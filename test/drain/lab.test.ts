import { describe, expect, it } from 'vitest';
import { formatDrainRun, runDrain } from '../../src/cli/commands/drain.js';
import type { DrainFlags } from '../../src/model/types.js';
import { NO_FLAGS } from '../../src/predict/drain.js';
import { FIXTURE_NOW } from '../helpers/fixture-args.js';
import { runCli } from '../helpers/run-cli.js';

const LAB = 'fixtures/labs/os-upgrade.yaml';
const request = (path: string) => ({ paths: [path], now: FIXTURE_NOW, config: '/dev/null' });
const drain = (node: string, flags: Partial<DrainFlags> = {}, path = LAB) => runDrain(node, request(path), { ...NO_FLAGS, ...flags });
const actions = (run: Awaited<ReturnType<typeof drain>>) =>
  Object.fromEntries(run.prediction.fates.map((f) => [f.pod.name, f.action]));

describe('the seeds\' OS-upgrade lab: kcheck drain node01', () => {
  it('predicts that drain fails: hr-app declares no controller and the DaemonSet pods need --ignore-daemonsets', async () => {
    const run = await drain('node01');
    expect(run.prediction.outcome).toBe('stops');
    expect(actions(run)).toEqual({
      'blue-6b8f8c4d7-2lxkq': 'evict',
      'blue-6b8f8c4d7-9wz5c': 'evict',
      'hr-app': 'refuse',
      'kube-flannel-ds-qz7lm': 'refuse',
      'kube-proxy-m4hqz': 'refuse',
    });
    expect(run.prediction.fates.find((f) => f.pod.name === 'hr-app')!.reason).toBe('cannot delete Pods that declare no controller (use --force to override)');
    expect(run.exitCode).toBe(1);
  });

  it('prints what kubectl prints: cordoned, then the refusal, then nothing evicted', async () => {
    const { prediction } = await drain('node01', { ignoreDaemonsets: true });
    expect(prediction.kubectlOutput).toEqual([
      'node/node01 cordoned',
      'error: unable to drain node "node01" due to error: cannot delete cannot delete Pods that declare no controller (use --force to override): default/hr-app, continuing command...',
      'There are pending nodes to be drained:',
      ' node01',
      'cannot delete cannot delete Pods that declare no controller (use --force to override): default/hr-app',
    ]);
  });

  it('with --ignore-daemonsets the DaemonSet pods stay and hr-app still stops the drain', async () => {
    const run = await drain('node01', { ignoreDaemonsets: true });
    expect(actions(run)).toMatchObject({ 'hr-app': 'refuse', 'kube-proxy-m4hqz': 'skip', 'kube-flannel-ds-qz7lm': 'skip' });
    expect(run.prediction.outcome).toBe('stops');
    expect(run.scan.result.findings.filter((f) => f.ruleId !== 'drain-input-assumed').map((f) => f.ruleId)).toEqual(['drain-unmanaged-pod']);
    // The lab is a dump without PodDisruptionBudgets, Namespaces or webhooks: the prediction says what it assumed.
    expect(run.scan.result.findings.filter((f) => f.ruleId === 'drain-input-assumed').map((f) => f.message.replace(/;.*/, '')).sort()).toEqual([
      'no Namespace in the input: assumed none is Terminating',
      'no PodDisruptionBudget in the input: assumed none, so no eviction is refused with 429',
      'no webhook configuration or APIService in the input: assumed none is served from the drained nodes',
    ]);
  });

  it('--force loses hr-app for good, and the blue pods find room on the other nodes', async () => {
    const run = await drain('node01', { ignoreDaemonsets: true, force: true });
    expect(run.prediction.outcome).toBe('completes');
    expect(actions(run)['hr-app']).toBe('delete-forever');
    expect(run.prediction.fates.find((f) => f.pod.name === 'hr-app')!.destination).toBeNull();
    for (const f of run.prediction.fates.filter((x) => x.pod.name.startsWith('blue-'))) {
      expect(['controlplane', 'node02']).toContain(f.destination?.node);
    }
    // kubectl groups warnings by message in a Go map: their order varies from run to run.
    const warning = run.prediction.kubectlOutput.find((l) => l.startsWith('Warning: '))!;
    expect(warning.slice('Warning: '.length).split('; ').sort()).toEqual([
      'deleting Pods that declare no controller: default/hr-app',
      'ignoring DaemonSet-managed Pods: kube-flannel/kube-flannel-ds-qz7lm, kube-system/kube-proxy-m4hqz',
    ]);
    expect(run.prediction.kubectlOutput).toContain('pod/hr-app evicted');
    expect(run.prediction.kubectlOutput.at(-1)).toBe('node/node01 drained');
    expect(run.scan.result.findings.find((f) => f.ruleId === 'drain-unmanaged-pod')?.message).toMatch(/deletes it and nothing recreates it/);
    // The drain completes, so the exit code is 0 whatever the findings say, unless --fail-on asks them to count.
    expect(run.exitCode).toBe(0);
    const gated = await runDrain('node01', request(LAB), { ...NO_FLAGS, ignoreDaemonsets: true, force: true }, { failOn: 'error' });
    expect(gated.exitCode).toBe(1);
  });

  it('names the command that would succeed, what it loses, and cordon as the safe move', async () => {
    const { prediction } = await drain('node01');
    expect(prediction.command).toBe('kubectl drain node01 --ignore-daemonsets --force');
    expect(prediction.lostByCommand.map((p) => p.name)).toEqual(['hr-app']);
    expect(prediction.safeAlternative).toMatch(/^kubectl cordon node01\b/);
  });

  it('notes that the untainted control-plane node takes evicted pods', async () => {
    const { prediction } = await drain('node01', { ignoreDaemonsets: true, force: true });
    expect(prediction.notes.join('\n')).toMatch(/controlplane is a control-plane node without a NoSchedule taint/);
  });

  it('draining node02 needs only --ignore-daemonsets and keeps blue serving', async () => {
    const run = await drain('node02');
    expect(run.prediction.command).toBe('kubectl drain node02 --ignore-daemonsets');
    expect(run.scan.result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('prints a pod-by-pod table with kubectl\'s reasons and the destinations', async () => {
    const text = formatDrainRun(await drain('node01'), 'text', false);
    expect(text.split('\n')[0]).toBe('kubectl drain node01: drain stops: 3 pods refused, so nothing is evicted and node01 stays cordoned');
    expect(text).toMatch(/^POD +ACTION +REASON +DESTINATION$/m);
    expect(text).toMatch(/^default\/hr-app +refuse +cannot delete Pods that declare no controller \(use --force to override\) +-$/m);
    expect(text).toMatch(/^default\/blue-6b8f8c4d7-2lxkq +evict +managed by ReplicaSet blue-6b8f8c4d7 +controlplane$/m);
    expect(text).toContain('Safe instead: kubectl cordon node01');
    expect(text).toContain('drain-unmanaged-pod');
  });

  it('gives the same prediction as JSON', async () => {
    const json = JSON.parse(formatDrainRun(await drain('node01'), 'json', false)) as {
      drain: { outcome: string; pods: { name: string; action: string }[]; command: string };
      findings: { ruleId: string }[];
    };
    expect(json.drain.outcome).toBe('stops');
    expect(json.drain.pods.find((p) => p.name === 'hr-app')?.action).toBe('refuse');
    expect(json.drain.command).toBe('kubectl drain node01 --ignore-daemonsets --force');
    expect(json.findings.some((f) => f.ruleId === 'drain-unmanaged-pod')).toBe(true);
  });

  it('refuses a node the input does not have', async () => {
    await expect(drain('node09')).rejects.toThrow(/nodes "node09" not found in the input; nodes read: controlplane, node01, node02/);
  });
});

describe('the other labs', () => {
  it('a PDB with minAvailable equal to the replicas makes the drain hang on 429', async () => {
    const run = await drain('node01', { ignoreDaemonsets: true }, 'fixtures/labs/pdb-min-available.yaml');
    expect(run.prediction.outcome).toBe('hangs');
    expect(run.prediction.fates.filter((f) => f.action === 'refuse').map((f) => f.pod.name)).toEqual(['web-5d9c7b8f6-4kq8d', 'web-5d9c7b8f6-h2m7x']);
    expect(run.prediction.kubectlOutput).toContain(`error when evicting pods/"web-5d9c7b8f6-4kq8d" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
    expect(run.scan.result.findings.filter((f) => f.ruleId === 'drain-pdb-blocks')).toHaveLength(2);
  });

  it('emptyDir and DaemonSet pods: drain needs every flag, and the orphaned DaemonSet pod is lost with --force', async () => {
    const run = await drain('node01', {}, 'fixtures/labs/emptydir-daemonset.yaml');
    expect(run.prediction.command).toBe('kubectl drain node01 --ignore-daemonsets --delete-emptydir-data --force');
    expect(run.prediction.fates.find((f) => f.pod.name === 'log-shipper-x9c4v')?.reason).toBe('daemonsets.apps "log-shipper" not found');
    const forced = await drain('node01', { ignoreDaemonsets: true, deleteEmptydirData: true, force: true }, 'fixtures/labs/emptydir-daemonset.yaml');
    expect(Object.fromEntries(forced.prediction.fates.map((f) => [f.pod.name, [f.action, f.losesEmptyDir]]))).toMatchObject({
      'cache-7f9d6c5b4-p8x2v': ['evict', true],
      'log-shipper-x9c4v': ['delete-forever', false],
      'node-exporter-q2w8e': ['skip', false],
    });
  });

  it('a cluster too full to take node01\'s pods leaves them Pending, with the scheduler\'s reasons', async () => {
    const run = await drain('node01', { ignoreDaemonsets: true }, 'fixtures/labs/too-full.yaml');
    expect(run.prediction.unplaced.map((u) => u.pod.name)).toEqual(['api-84c6d9f7b5-a1b2c', 'api-84c6d9f7b5-d3e4f']);
    expect(run.prediction.unplaced[0]!.message).toBe(
      '0/4 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) were unschedulable.',
    );
    expect(run.scan.result.findings.filter((f) => f.ruleId === 'drain-no-capacity')).toHaveLength(2);
    expect(run.scan.result.findings.some((f) => f.ruleId === 'node-cordoned' && /node03/.test(f.message))).toBe(true);
    // kubectl drain itself completes (it does not wait for replacements to be scheduled): exit 0, and --fail-on error raises it.
    expect(run.drain.outcome).toBe('completes');
    expect(run.exitCode).toBe(0);
    const gated = await runDrain('node01', request('fixtures/labs/too-full.yaml'), { ...NO_FLAGS, ignoreDaemonsets: true }, { failOn: 'error' });
    expect(gated.exitCode).toBe(1);
  });
});

describe('kcheck drain on the command line', () => {
  it('exits 1 on the lab and prints the table', () => {
    const out = runCli(['drain', 'node01', LAB, '--now', FIXTURE_NOW, '--config', '/dev/null']);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^default\/hr-app +refuse/m);
  });

  it('exits 0 when the drain is clean and nothing reaches --fail-on', () => {
    const out = runCli(['drain', 'node02', LAB, '--ignore-daemonsets', '--now', FIXTURE_NOW, '--config', '/dev/null']);
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe('kubectl drain node02 --ignore-daemonsets: drain completes: 2 pods evicted');
  });

  it('exits 2 with a clear message for an unknown node', () => {
    const out = runCli(['drain', 'node09', LAB, '--now', FIXTURE_NOW, '--config', '/dev/null']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^kcheck: nodes "node09" not found in the input/);
  });
});
