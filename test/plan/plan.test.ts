import { describe, expect, it } from 'vitest';
import { runPlan } from '../../src/cli/commands/plan.js';
import { scan } from '../../src/cli/pipeline.js';
import { emptyConfig } from '../../src/engine/config.js';
import { parseMinor } from '../../src/model/version.js';
import { formatPlanJson, formatPlanMarkdown, formatPlanText } from '../../src/report/plan.js';
import { ADMIN } from '../../src/plan/commands.js';
import { planUpgrade, stepFindings, type PlanStep } from '../../src/plan/plan.js';
import { chooseWorkerOrder, drainTurn } from '../../src/plan/worker-order.js';
import { FIXTURE_NOW, fixtureRequest } from '../helpers/fixture-args.js';
import { runCli } from '../helpers/run-cli.js';
import { modelOf, node, pod } from '../drain/objects.js';
import { rules } from '../../rules/index.js';

const plan = (path: string, target: string) => runPlan({ paths: [path], target, now: FIXTURE_NOW, config: '/dev/null' });
const commandsOf = (step: PlanStep) => step.blocks.flatMap((b) => b.commands);

describe('kcheck plan --target 1.33 on the seeds\' lab (1.30)', async () => {
  const run = await plan('fixtures/labs/os-upgrade.yaml', '1.33');
  const { steps } = run.plan;
  const round = (minor: string) => steps.filter((s) => s.minor === minor && s.kind !== 'preflight');

  it('goes one minor at a time: 1.31, 1.32, 1.33', () => {
    expect(run.plan.rounds.map((r) => [r.minor, r.catchUp])).toEqual([['1.31', false], ['1.32', false], ['1.33', false]]);
    expect(steps.filter((s) => s.kind === 'apply').map((s) => s.minor)).toEqual(['1.31', '1.32', '1.33']);
  });

  it.each(['1.31', '1.32', '1.33'])('in %s: backup, kubeadm, apply on the first control-plane node, its kubelet, then each worker', (minor) => {
    expect(round(minor).map((s) => `${s.kind}:${s.node}`)).toEqual([
      'backup:controlplane', 'kubeadm:controlplane', 'apply:controlplane', 'control-plane-node:controlplane', 'node:node01', 'node:node02',
    ]);
  });

  it('takes an etcd snapshot and a PKI copy before each control-plane upgrade', () => {
    const backup = round('1.32')[0]!;
    expect(commandsOf(backup)).toContain(
      'sudo ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key snapshot save /var/backups/kubernetes/etcd-before-v1.32.db',
    );
    expect(commandsOf(backup)).toContain('sudo cp -a /etc/kubernetes/pki /var/backups/kubernetes/pki-before-v1.32');
  });

  it('opens with the backups: an etcd snapshot checked with kcheck, the PKI, and a Velero backup checked with kcheck', () => {
    const opening = steps[1]!;
    expect(opening.kind).toBe('backup');
    expect(commandsOf(opening)).toContain('sudo kcheck snapshot /var/backups/kubernetes/etcd-before-v1.31.db');
    expect(opening.blocks.find((b) => b.on === ADMIN)?.commands).toEqual([
      '# with Velero installed: every namespace, its volumes as its Schedules back them up, kept 30 days',
      'velero backup create before-v1-31 --ttl 720h --wait',
      'velero backup describe before-v1-31 --details',
      'kcheck scan --live --window 24h',
    ]);
  });

  it('gives the package commands for both repository styles', () => {
    const kubeadm = commandsOf(round('1.31')[1]!);
    expect(kubeadm).toContain("sudo sed -i 's#/v[0-9.]*/deb/#/v1.31/deb/#' /etc/apt/sources.list.d/kubernetes.list");
    expect(kubeadm.some((c) => c.includes("kubeadm='1.31.x-*'"))).toBe(true);
    expect(kubeadm.some((c) => c.includes("kubeadm='1.31.x-00'"))).toBe(true);
    const worker = commandsOf(round('1.31')[4]!);
    expect(worker.some((c) => c.includes("kubelet='1.31.x-*' kubectl='1.31.x-*'"))).toBe(true);
    expect(worker.some((c) => c.includes("kubelet='1.31.x-00' kubectl='1.31.x-00'"))).toBe(true);
  });

  it('upgrades with kubeadm upgrade plan/apply on the first node and kubeadm upgrade node on workers', () => {
    expect(commandsOf(round('1.33')[2]!)).toEqual(['sudo kubeadm upgrade plan', 'sudo kubeadm upgrade apply "$(kubeadm version -o short)"']);
    expect(commandsOf(round('1.33')[4]!)).toContain('sudo kubeadm upgrade node');
    expect(commandsOf(round('1.33')[3]!)).not.toContain('sudo kubeadm upgrade node');
  });

  it('drains, upgrades and uncordons one worker at a time', () => {
    for (const step of steps.filter((s) => s.kind === 'node' || s.kind === 'control-plane-node')) {
      expect(step.blocks.map((b) => b.on)).toEqual([ADMIN, step.node, ADMIN]);
      expect(step.blocks[0]!.commands).toEqual([expect.stringMatching(new RegExp(`^kubectl drain ${step.node} --ignore-daemonsets`))]);
      expect(step.blocks[1]!.commands.at(-1)).toBe('sudo systemctl daemon-reload && sudo systemctl restart kubelet');
      expect(step.blocks[2]!.commands[0]).toBe(`kubectl uncordon ${step.node}`);
    }
  });

  it('shows the drain findings of each node in turn: hr-app is lost at node01\'s first drain, and only there', () => {
    const lossy = steps.filter((s) => s.findings.some((f) => f.ruleId === 'drain-unmanaged-pod'));
    expect(lossy.map((s) => `${s.minor}:${s.node}`)).toEqual(['1.31:node01']);
    expect(lossy[0]!.drain?.lostByCommand.map((p) => p.name)).toEqual(['hr-app']);
    expect(lossy[0]!.blocks[0]!.commands[0]).toBe('kubectl drain node01 --ignore-daemonsets --force');
  });

  it('judges each intermediate state with the version rules: apply clears the old end-of-life finding', () => {
    const apply = round('1.31')[2]!;
    expect(apply.resolved.map((f) => f.ruleId)).toContain('unsupported-version');
    expect(apply.resolved.some((f) => /kube-apiserver v1\.30\.5/.test(f.message))).toBe(true);
    expect(steps.flatMap((s) => s.findings).some((f) => f.ruleId === 'kubeadm-version-mismatch')).toBe(false);
    expect(steps.flatMap((s) => s.findings).some((f) => f.ruleId === 'kubelet-version-skew')).toBe(false);
  });

  it('keeps every workload available with the worker order it picks', () => {
    for (const r of run.plan.rounds) expect(r.workerOrder?.keepsEveryWorkloadAvailable).toBe(true);
  });

  it('exits 1: the steps trigger lasting errors', () => {
    expect(run.exitCode).toBe(1);
  });

  it('renders text, JSON and Markdown with a Mermaid diagram', () => {
    const text = formatPlanText(run.plan);
    expect(text.split('\n')[0]).toBe('Upgrade plan: v1.30.5 → 1.33 (3 minors: 1.31, 1.32, 1.33); control plane: controlplane; workers: node01, node02');
    expect(text).toMatch(/^── 1\.32 ──$/m);
    const json = JSON.parse(formatPlanJson(run.plan)) as { steps: { kind: string; commands: { on: string }[] }[]; rounds: unknown[] };
    expect(json.steps).toHaveLength(steps.length);
    expect(json.rounds).toHaveLength(3);
    const md = formatPlanMarkdown(run.plan);
    expect(md).toContain('```mermaid\nflowchart TD\n  subgraph g0["before the upgrade"]');
    expect(md).toContain('  subgraph g2["1.32"]');
    expect(md).toContain('  s3 --> s4');
    expect(md).toMatch(/^ {2}class [s0-9,]+ error$/m);
    expect(md).toContain('```sh\nsudo kubeadm upgrade plan\nsudo kubeadm upgrade apply "$(kubeadm version -o short)"\n```');
  });
});

describe('an HA control plane with a lagging kubelet (1.31 → 1.32)', async () => {
  const run = await plan('fixtures/labs/ha-control-plane.yaml', '1.32');
  const { steps } = run.plan;

  it('first brings the lagging kubelet up one minor at a time, without kubeadm', () => {
    expect(run.plan.rounds.map((r) => [r.minor, r.catchUp])).toEqual([['1.30', true], ['1.31', true], ['1.32', false]]);
    const catchUp = steps.filter((s) => s.title.startsWith('Catch up'));
    expect(catchUp.map((s) => `${s.minor}:${s.node}`)).toEqual(['1.30:worker-2', '1.31:worker-2']);
    for (const s of catchUp) expect(commandsOf(s)).not.toContain('sudo kubeadm upgrade node');
  });

  it('runs kubeadm upgrade node on the second control-plane node before any kubelet moves', () => {
    const order = steps.filter((s) => s.minor === '1.32').map((s) => `${s.kind}:${s.node}`);
    expect(order).toEqual([
      'backup:cp-1', 'kubeadm:cp-1', 'apply:cp-1', 'apply:cp-2',
      'control-plane-node:cp-1', 'control-plane-node:cp-2', 'node:worker-1', 'node:worker-2',
    ]);
    const second = steps.find((s) => s.kind === 'apply' && s.node === 'cp-2')!;
    expect(commandsOf(second)).toContain('sudo kubeadm upgrade node');
    expect(second.title).toBe('kubeadm upgrade node on cp-2');
  });

  it('marks the skew kubeadm\'s own procedure passes through as transient, cleared by the next step', () => {
    const apply = steps.find((s) => s.kind === 'apply' && s.node === 'cp-1')!;
    const skew = stepFindings(apply).filter((f) => f.finding.ruleId === 'control-plane-version-skew');
    expect(skew.length).toBeGreaterThan(0);
    for (const f of skew) expect(f.lifetime).toEqual({ clearedAt: apply.number + 1, transient: true });
  });

  it('drains workers in an order that keeps the api Deployment available (its PDB paces the evictions)', () => {
    expect(run.plan.rounds.at(-1)!.workerOrder).toMatchObject({ keepsEveryWorkloadAvailable: true, searched: 'every order' });
  });
});

describe('worker order', () => {
  it('picks an order in which every pod finds a node, when the name order would strand one', async () => {
    const { model } = await scan(fixtureRequest('fixtures/labs/worker-order.yaml'));
    expect(drainTurn(model, 'node-a').losses).toEqual([
      expect.stringMatching(/^draining node-a leaves default\/ingest-28812345-c7k2p Pending: 0\/3 nodes are available: /),
    ]);
    const order = chooseWorkerOrder(model, ['node-a', 'node-b', 'node-c']);
    expect(order.keepsEveryWorkloadAvailable).toBe(true);
    expect(order.order.indexOf('node-b')).toBeLessThan(order.order.indexOf('node-a'));
  });

  it('says when no order keeps every workload available, and why', async () => {
    const model = modelOf([node('node01'), node('node02'), pod('green-1', 'node01', { owner: ['ReplicaSet', 'green-5d9'], labels: { app: 'green' } })]);
    const order = chooseWorkerOrder(model, ['node01', 'node02']);
    expect(order.keepsEveryWorkloadAvailable).toBe(false);
    expect(order.losses).toEqual(['draining node01 leaves ReplicaSet default/green-5d9 with no ready replica']);
  });

  it('searches one node at a time beyond six workers', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `w${i}`);
    const order = chooseWorkerOrder(modelOf(names.map((n) => node(n))), names);
    expect(order).toMatchObject({ searched: 'one node at a time (greedy)', keepsEveryWorkloadAvailable: true });
    expect([...order.order].sort()).toEqual(names);
  });

  it('takes the next node by name when its only loss is one no order avoids (a single replica), in one turn per node', () => {
    const names = Array.from({ length: 8 }, (_, i) => `w${i}`);
    const single = pod('solo-1', 'w0', { owner: ['ReplicaSet', 'solo-5d9'], labels: { app: 'solo' } });
    const order = chooseWorkerOrder(modelOf([...names.map((n) => node(n)), single]), names);
    expect(order.order).toEqual(names);
    // Its replacement lands on w1 (first by name), so the next drain takes it down again: true in any order.
    expect(order.losses).toEqual([
      'draining w0 leaves ReplicaSet default/solo-5d9 with no ready replica',
      'draining w1 leaves ReplicaSet default/solo-5d9 with no ready replica',
    ]);
    expect(order.keepsEveryWorkloadAvailable).toBe(false);
  });
});

describe('what the plan refuses', () => {
  const apiserver = pod('kube-apiserver-node01', 'node01', {
    namespace: 'kube-system',
    mirror: true,
    spec: { containers: [{ name: 'kube-apiserver', image: 'registry.k8s.io/kube-apiserver:v1.31.2' }] },
  });
  const model = modelOf([node('node01', { kubelet: 'v1.31.2', controlPlane: true }), apiserver]);

  it('a target below the control plane', () => {
    expect(() => planUpgrade(model, parseMinor('1.30')!, emptyConfig(), rules)).toThrow(/--target 1\.30 is below the control plane \(v1\.31\.2\): kubeadm cannot downgrade/);
  });

  it('a cluster whose kube-apiserver version is unknown', () => {
    expect(() => planUpgrade(modelOf([node('node01')]), parseMinor('1.32')!, emptyConfig(), rules)).toThrow(/no kube-apiserver version known/);
  });

  it('has nothing to do when the cluster is at the target already', () => {
    const same = planUpgrade(model, parseMinor('1.31')!, emptyConfig(), rules);
    expect(same.steps.map((s) => s.kind)).toEqual(['preflight']);
    expect(same.notes.at(-1)).toMatch(/already at 1\.31 and every kubelet with it/);
  });
});

describe('kcheck plan on the command line', () => {
  it('prints the plan and exits 1 on the lab', () => {
    const out = runCli(['plan', '--target', '1.33', 'fixtures/labs/os-upgrade.yaml', '--now', FIXTURE_NOW, '--config', '/dev/null', '--format', 'markdown']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('```mermaid');
  });

  it('exits 2 without --target', () => {
    const out = runCli(['plan', 'fixtures/labs/os-upgrade.yaml', '--config', '/dev/null']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/plan needs the version to upgrade to: --target X\.Y/);
  });
});
