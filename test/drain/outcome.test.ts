import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DUMP_COMMAND, runDrain, splitArguments, drainFlagsFrom, parseGoDuration } from '../../src/cli/commands/drain.js';
import { NO_FLAGS, predictDrainRun } from '../../src/predict/drain.js';
import type { KubeObject } from '../../src/sources/types.js';
import { FIXTURE_NOW } from '../helpers/fixture-args.js';
import { runCli } from '../helpers/run-cli.js';
import { modelOf, node, pdb, pod, workload } from './objects.js';

const LAB = 'fixtures/labs/os-upgrade.yaml';
const cli = (...args: string[]) => runCli(['drain', ...args, '--now', FIXTURE_NOW, '--config', '/dev/null']);

function dumpFile(objects: KubeObject[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kcheck-outcome-')), 'cluster.yaml');
  writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  return file;
}

/** Two workers; web has one replica on each, guarded by a PDB that allows no disruption. */
const blockedByBudget = [
  node('w1'),
  node('w2'),
  workload('ReplicaSet', 'web-1', { replicas: 2, labels: { app: 'web' } }),
  pod('web-1-a', 'w1', { owner: ['ReplicaSet', 'web-1'], labels: { app: 'web' } }),
  pod('web-1-b', 'w2', { owner: ['ReplicaSet', 'web-1'], labels: { app: 'web' } }),
  pdb('web', { matchLabels: { app: 'web' } }, { minAvailable: 2 }, { status: { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 2 } }),
];

describe('kcheck drain exits with the outcome it predicts', () => {
  it('0 when the drain completes', () => {
    const out = cli('node02', LAB, '--ignore-daemonsets');
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n')[1]).toBe('Outcome: completes (kubectl exits 0; kcheck drain exits 0)');
  });

  it('1 when the filters stop it', () => {
    const out = cli('node01', LAB);
    expect(out.code).toBe(1);
    expect(out.stdout.split('\n')[1]).toBe('Outcome: stops (kubectl exits 1; kcheck drain exits 1)');
  });

  it('1 when an orphaned DaemonSet pod stops it, whatever the findings\' severity', () => {
    const out = cli('node01', 'fixtures/labs/emptydir-daemonset.yaml', '--ignore-daemonsets', '--delete-emptydir-data');
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/daemonsets\.apps "log-shipper" not found/);
  });

  it('0 when it completes with --force, though the findings are errors; --fail-on error raises it to 1', () => {
    const forced = cli('node01', LAB, '--ignore-daemonsets', '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('drain-unmanaged-pod');
    expect(cli('node01', LAB, '--ignore-daemonsets', '--force', '--fail-on', 'error').code).toBe(1);
  });

  it('1 when a PodDisruptionBudget makes it hang, and the JSON says hangs with the reason', () => {
    const out = cli('w1', dumpFile(blockedByBudget), '--format', 'json');
    expect(out.code).toBe(1);
    const json = JSON.parse(out.stdout) as { exitCode: number; drain: { outcome: string; reason: string; exitCode: number; nodes: { node: string; outcome: string }[] } };
    expect(json.drain.outcome).toBe('hangs');
    expect(json.drain.reason).toMatch(/^drain waits forever \(no --timeout\): default\/web-1-a: PodDisruptionBudget default\/web allows 0 disruptions/);
    expect(json.drain.exitCode).toBe(1);
    expect(json.exitCode).toBe(1);
    expect(json.drain.nodes.map((n) => [n.node, n.outcome])).toEqual([['w1', 'hangs']]);
  });

  it('1 with --timeout too: the drain then stops when the timeout ends it', () => {
    const out = cli('w1', dumpFile(blockedByBudget), '--timeout=30s', '--format', 'json');
    expect(out.code).toBe(1);
    const json = JSON.parse(out.stdout) as { drain: { outcome: string; reason: string; kubectlOutput: string[] } };
    expect(json.drain.outcome).toBe('stops');
    expect(json.drain.reason).toMatch(/^drain gives up after --timeout=30s: /);
    expect(json.drain.kubectlOutput).toContain('error when evicting pods/"web-1-a" -n "default": global timeout reached: 30s');
  });

  it('2 when the input cannot tell: a DaemonSet pod and no DaemonSet read, with --ignore-daemonsets', () => {
    const objects = [node('w1'), node('w2'), pod('agent-x', 'w1', { spec: {}, owner: ['DaemonSet', 'agent'] })];
    const out = cli('w1', dumpFile(objects), '--ignore-daemonsets', '--format', 'json');
    expect(out.code).toBe(2);
    const json = JSON.parse(out.stdout) as { drain: { outcome: string; reason: string; assumptions: string[] } };
    expect(json.drain.outcome).toBe('unknown');
    expect(json.drain.reason).toMatch(/depends on whether DaemonSet agent exists/);
    expect(json.drain.assumptions).toContain('assumed DaemonSet default/agent exists (no DaemonSet was read)');
  });

  it('2 for a node the input does not have', () => {
    expect(cli('node09', LAB).code).toBe(2);
  });

  it('says in --help what each exit code means and that --fail-on can raise it', () => {
    const help = runCli(['drain', '--help']).stdout;
    expect(help).toContain('0  the drain would complete');
    expect(help).toContain('1  it would stop, hang or time out');
    expect(help).toContain('2  kcheck cannot tell');
    expect(help).toMatch(/--fail-on SEVERITY raises a 0 to 1/);
  });
});

describe('kcheck plan exits 1 when a drain it plans would stop or hang with the flags it prints', () => {
  it('the PodDisruptionBudget lab: exit 1 even with --fail-on never', () => {
    const out = runCli(['plan', '--target', '1.31', 'fixtures/labs/pdb-min-available.yaml', '--now', FIXTURE_NOW, '--config', '/dev/null', '--fail-on', 'never']);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/kubectl drain node01 --ignore-daemonsets/);
  });

  it('a lab whose drains all complete: exit 0 with --fail-on never', () => {
    const out = runCli(['plan', '--target', '1.31', 'fixtures/labs/os-upgrade.yaml', '--now', FIXTURE_NOW, '--config', '/dev/null', '--fail-on', 'never']);
    expect(out.code).toBe(0);
  });
});

describe('several nodes in one kubectl drain', () => {
  it('cordons every node first, then drains them in turn; one that stops makes the run stop and kubectl goes on with the next', () => {
    const model = modelOf([
      node('w1'),
      node('w2'),
      node('w3'),
      workload('ReplicaSet', 'api-1', { replicas: 2, labels: { app: 'api' } }),
      pod('api-1-a', 'w1', { owner: ['ReplicaSet', 'api-1'], labels: { app: 'api' } }),
      pod('api-1-b', 'w2', { owner: ['ReplicaSet', 'api-1'], labels: { app: 'api' } }),
      pod('debug', 'w1', {}),
    ]);
    const run = predictDrainRun(model, ['w1', 'w2'], NO_FLAGS);
    expect(run.nodes.map((n) => [n.node, n.outcome])).toEqual([['w1', 'stops'], ['w2', 'completes']]);
    expect(run.outcome).toBe('stops');
    expect(run.exitCode).toBe(1);
    expect(run.kubectlOutput.slice(0, 2)).toEqual(['node/w1 cordoned', 'node/w2 cordoned']);
    expect(run.kubectlOutput).toContain('node/w2 drained');
    expect(run.kubectlOutput.slice(-3)).toEqual([
      'There are pending nodes to be drained:',
      ' w1',
      'cannot delete cannot delete Pods that declare no controller (use --force to override): default/debug',
    ]);
    // Both nodes are cordoned: w1's replacement cannot go to w2.
    expect(run.nodes[1]!.fates[0]!.destination).toEqual({ node: 'w3', capacityChecked: true });
  });

  it('a node that hangs keeps kubectl from reaching the nodes after it', () => {
    const run = predictDrainRun(modelOf([...blockedByBudget, node('w3')]), ['w1', 'w3'], NO_FLAGS);
    expect(run.outcome).toBe('hangs');
    expect(run.outcomeReason).toMatch(/kubectl never gets to w3 \(cordoned all the same\)$/);
    expect(run.kubectlOutput).not.toContain('node/w3 drained');
  });

  it('takes the nodes as kubectl does: the first argument is a node, later ones are nodes unless they are inputs', () => {
    const isInput = (a: string) => a.endsWith('.yaml');
    expect(splitArguments(['a', 'b', 'dump.yaml'], undefined, isInput)).toEqual({ nodes: ['a', 'b'], paths: ['dump.yaml'] });
    expect(splitArguments(['dump.yaml'], 'role=worker', isInput)).toEqual({ nodes: [], selector: 'role=worker', paths: ['dump.yaml'] });
    expect(() => splitArguments(['a', 'dump.yaml'], 'role=worker', isInput)).toThrow(/cannot specify both a node name and a --selector option/);
  });

  it('--selector picks the nodes by label, in name order', async () => {
    const file = dumpFile([node('b', { labels: { pool: 'x' } }), node('a', { labels: { pool: 'x' } }), node('c')]);
    const run = await runDrain({ nodes: [], selector: 'pool=x' }, { paths: [file], now: FIXTURE_NOW, config: '/dev/null' }, NO_FLAGS);
    expect(run.drain.nodes.map((n) => n.node)).toEqual(['a', 'b']);
    expect(run.exitCode).toBe(0);
  });
});

describe('kubectl drain flags as kcheck takes them', () => {
  it('parses --timeout as a Go duration', () => {
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('90s')).toBe(90);
    expect(parseGoDuration('1m30s')).toBe(90);
    expect(parseGoDuration('2h')).toBe(7200);
    expect(parseGoDuration('5')).toBeNull();
  });

  it('refuses a flag it does not model, saying why', () => {
    expect(() => drainFlagsFrom({ deleteLocalData: true })).toThrow(/does not model --delete-local-data: kubectl removed it in v1\.31/);
    const out = cli('node02', LAB, '--as', 'someone');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/kcheck drain does not model --as/);
  });

  it('refuses a --pod-selector kubectl would refuse, in kubectl\'s words', () => {
    const out = cli('node02', LAB, '--pod-selector', 'app in (a');
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--pod-selector=<pod_selector> must be a valid label selector/);
  });
});

describe('what the prediction assumed, in the text, JSON and SARIF, with the one dump command', () => {
  it('a dump without PodDisruptionBudgets and Namespaces says so in the JSON and the text', () => {
    const json = JSON.parse(cli('node02', LAB, '--ignore-daemonsets', '--format', 'json').stdout) as { drain: { assumptions: string[] } };
    expect(json.drain.assumptions).toContain(`no PodDisruptionBudget in the input: assumed none, so no eviction is refused with 429; ${DUMP_COMMAND} has it`);
    const text = cli('node02', LAB, '--ignore-daemonsets').stdout;
    expect(text).toContain('Assumed (the input does not show it):');
    expect(text).toContain('  - no Namespace in the input: assumed none is Terminating; kubectl get nodes,namespaces,pods,pdb,');
  });

  it('SARIF carries them as drain-input-assumed results', () => {
    const out = cli('node02', LAB, '--ignore-daemonsets', '--format', 'sarif', '--sarif-anchor', 'README.md');
    expect(out.code).toBe(0);
    const sarif = JSON.parse(out.stdout) as { runs: { results: { ruleId: string; message: { text: string } }[] }[] };
    const assumed = sarif.runs[0]!.results.filter((r) => r.ruleId === 'drain-input-assumed').map((r) => r.message.text);
    expect(assumed.some((m) => m.startsWith('no PodDisruptionBudget in the input: assumed none'))).toBe(true);
  });

  it('a live read lists namespaces and PDBs itself: none assumed when the drain intent says they were listed', () => {
    const model = modelOf(blockedByBudget, { nodes: ['w1'], flags: NO_FLAGS, listedKinds: ['Namespace', 'PodDisruptionBudget'] });
    const run = predictDrainRun(model, ['w1'], NO_FLAGS);
    expect(run.assumptions.filter((a) => /PodDisruptionBudget|Namespace/.test(a.split(';')[0]!))).toEqual([]);
  });

  it('names the same dump command in kcheck drain, plan and scan --help', () => {
    for (const command of ['drain', 'plan', 'scan']) expect(runCli([command, '--help']).stdout, command).toContain(DUMP_COMMAND.replace(' > cluster.yaml', ''));
  });
});

describe('drain-breaks-webhook', () => {
  const fixture = 'fixtures/rules/drain-breaks-webhook/fail-only-replica-on-one-node.yaml';
  it('names the webhook, the Service and the pod, and the deadlock of a webhook that judges its own replacement', async () => {
    const run = await runDrain('node01', { paths: [fixture], now: FIXTURE_NOW, config: '/dev/null' }, NO_FLAGS);
    const found = run.scan.result.findings.filter((f) => f.ruleId === 'drain-breaks-webhook');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/^ValidatingWebhookConfiguration policy webhook pods\.policy\.example\.com \(failurePolicy: Fail\) is served by Service policy\/policy-webhook, whose only ready endpoint is policy\/policy-webhook-7c9d8-x2k4p on node node01/);
    expect(found[0]!.message).toMatch(/the replacement of its own pod is refused too/);
    expect(found[0]!.remediation).toMatch(/--min-available=1/);
    // The drain itself completes: the finding raises the exit code only with --fail-on.
    expect(run.exitCode).toBe(0);
  });

  it('is quiet for the other node, for failurePolicy Ignore, and when the endpoint stays (a DaemonSet pod with --ignore-daemonsets)', async () => {
    const other = await runDrain('node02', { paths: [fixture], now: FIXTURE_NOW, config: '/dev/null' }, NO_FLAGS);
    expect(other.scan.result.findings.filter((f) => f.ruleId === 'drain-breaks-webhook')).toEqual([]);
    const objects = [
      node('n1'),
      node('n2'),
      workload('DaemonSet', 'hook', { labels: { app: 'hook' } }),
      pod('hook-x', 'n1', { owner: ['DaemonSet', 'hook'], labels: { app: 'hook' } }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'hook', namespace: 'default' }, spec: { selector: { app: 'hook' } } },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: { name: 'hook' },
        webhooks: [{ name: 'hook.example.com', clientConfig: { service: { namespace: 'default', name: 'hook' } }, rules: [{ operations: ['CREATE'], apiGroups: [''], resources: ['pods'] }] }],
      },
    ];
    const flags = { ...NO_FLAGS, ignoreDaemonsets: true };
    const model = modelOf(objects, { nodes: ['n1'], flags });
    const { rules } = await import('../../rules/index.js');
    const rule = rules.find((r) => r.id === 'drain-breaks-webhook')!;
    expect(rule.check(model, {})).toEqual([]);
    // The same webhook served by a ReplicaSet pod: it leaves with the drain.
    const replicated = objects.map((o) => (o === objects[3] ? pod('hook-x', 'n1', { owner: ['ReplicaSet', 'hook-1'], labels: { app: 'hook' } }) : o));
    expect(rule.check(modelOf(replicated, { nodes: ['n1'], flags }), {})).toHaveLength(1);
    const ignoring = replicated.map((o) => (o.kind === 'MutatingWebhookConfiguration' ? { ...o, webhooks: [{ ...(o as { webhooks: object[] }).webhooks[0], failurePolicy: 'Ignore' }] } : o));
    expect(rule.check(modelOf(ignoring, { nodes: ['n1'], flags }), {})).toEqual([]);
  });
});
