import type { Config } from '../engine/config.js';
import { kubeletVersionOn, rebuildViews } from '../model/cluster-index.js';
import { UsageError } from '../engine/errors.js';
import { compareFindings, RuleRunner, run } from '../engine/run.js';
import type { Finding, Rule } from '../engine/types.js';
import { apiserverRange, componentsNamed } from '../model/control-plane.js';
import type { ClusterModel } from '../model/types.js';
import { addMinors, formatVersion, minorDistance, minorOf, type Version } from '../model/version.js';
import { podKey } from '../model/walks.js';
import { progress } from '../text/progress.js';
import { predictDrain, rememberDrain } from '../predict/drain.js';
import { drainCommand, flagsNeeded } from '../predict/drain-command.js';
import { type DrainPrediction } from '../predict/drain-types.js';
import {
  applyCommands,
  backupCommands,
  kubeadmInstallCommands,
  nodeCommands,
  upgradeNodeCommands,
  type CommandBlock,
} from './commands.js';
import { afterDrain, afterUncordon, withControlPlaneAt, withKubeadm, withKubelet, withTarget } from './state.js';
import { chooseWorkerOrder, GreedyWorkerOrder, triesEveryOrder, type Drained, type WorkerOrder } from './worker-order.js';

type StepKind = 'preflight' | 'backup' | 'kubeadm' | 'apply' | 'control-plane-node' | 'node';

/** How long a finding a step triggers lasts. */
export interface FindingLifetime {
  /** Number of the later step that clears it; null when it lasts to the end of the plan (or is about a drain). */
  clearedAt: number | null;
  /** Cleared before the minor's round is over: a state kubeadm's own procedure passes through. */
  transient: boolean;
}

export interface PlanStep {
  number: number;
  /** The minor this step belongs to, e.g. `1.31`. */
  minor: string;
  kind: StepKind;
  title: string;
  node: string | null;
  blocks: CommandBlock[];
  /** Findings the cluster shows after this step that it did not show before (for drains: the drain rules on that drain). */
  findings: Finding[];
  /** For each of `findings`, at the same index: when the plan clears it. */
  lifetimes: FindingLifetime[];
  /** What the drain of this step's node would do. */
  drain: DrainPrediction | null;
  /** Findings present before the step that this step clears. */
  resolved: Finding[];
}

interface MinorRound {
  minor: string;
  /** True for rounds that only bring lagging kubelets up to the current control plane. */
  catchUp: boolean;
  workerOrder: WorkerOrder | null;
}

export interface UpgradePlan {
  from: Version;
  to: Version;
  rounds: MinorRound[];
  controlPlaneNodes: string[];
  workers: string[];
  steps: PlanStep[];
  notes: string[];
}

/** Each finding's key, made once: the node parts a step keeps are the same finding objects as before. */
const keys = new WeakMap<Finding, string>();
function findingKey(f: Finding): string {
  let key = keys.get(f);
  if (key === undefined) {
    key = `${f.ruleId}\u0000${f.object ? `${f.object.kind}/${f.object.namespace ?? ''}/${f.object.name}` : ''}\u0000${f.message}`;
    keys.set(f, key);
  }
  return key;
}

const open = (findings: Finding[]): Finding[] => findings.filter((f) => !f.suppressed);

interface Evaluator {
  versionRules: Rule<any>[];
  drainRules: Rule<any>[];
  config: Config;
}

/** Steps in order, each judged by the real rules on the cluster as it would be then. */
class PlanBuilder {
  readonly steps: PlanStep[] = [];
  private seen: Finding[] = [];
  /** findingKey of each of `seen` (same order), kept from the step that computed them. */
  private seenKeys: string[] = [];

  /** The version rules, asked again after each step; after a node's turn, only that node's parts of them. */
  private readonly versions: RuleRunner;

  constructor(public state: ClusterModel, private readonly judge: Evaluator) {
    this.versions = new RuleRunner(judge.versionRules, judge.config);
  }

  baseline(title: string, minor: string): void {
    this.seen = open(this.versions.all(this.state)).sort(compareFindings);
    this.seenKeys = this.seen.map(findingKey);
    this.push({ minor, kind: 'preflight', title, node: null, blocks: [], findings: this.seen, lifetimes: this.seen.map(lasting), drain: null, resolved: [] });
  }

  /** Moves to a new state and records what changed in the version findings. */
  step(partial: Omit<PlanStep, 'number' | 'findings' | 'lifetimes' | 'resolved'>, next: ClusterModel, drainFindings: Finding[] = [], turnOf?: string): void {
    this.state = next;
    // The findings are left unsorted and only those that changed are sorted. A node's turn changes that
    // node alone (its kubelet, its cordon; pods no node part reads), so the rules' other node parts stand.
    const now = open(turnOf !== undefined && !rebuildViews() ? this.versions.afterTurnOf(next, turnOf) : this.versions.all(next));
    const before = new Set(this.seenKeys);
    const nowKeys = now.map(findingKey);
    const after = new Set(nowKeys);
    const findings = [...drainFindings, ...now.filter((_, i) => !before.has(nowKeys[i]!)).sort(compareFindings)];
    this.push({
      ...partial,
      findings,
      lifetimes: findings.map(lasting),
      resolved: this.seen.filter((_, i) => !after.has(this.seenKeys[i]!)).sort(compareFindings),
    });
    this.seen = now;
    this.seenKeys = nowKeys;
  }

  /** A node's turn: the drain judged by the drain rules, then the kubelet upgraded and the node uncordoned. */
  nodeTurn(node: string, v: Version, minor: string, kind: 'control-plane-node' | 'node', kubectlToo: boolean, title: string, withKubeadm = true, walked?: Drained): void {
    const flags = flagsNeeded(this.state, node);
    // The drain as kubectl runs it on the node as it is (it cordons the node itself), judged by the drain
    // rules; they and the plan share one simulation (predictDrain remembers it on this model).
    const draining: ClusterModel = { ...this.state, drain: { nodes: [node], flags } };
    // A turn the worker-order search walked on this very state: its drain, and the pods and nodes after it, are this turn's.
    if (walked) rememberDrain(draining, node, flags, walked.drain);
    const drainFindings = open(run(draining, this.judge.drainRules, this.judge.config).findings);
    const drain = predictDrain(draining, node, flags);
    const pending = new Set(drain.unplaced.map((u) => podKey(u.pod)));
    const upgraded = withKubelet(this.state, node, v, kubectlToo);
    // Made after the drain rules ran on this state: making it moves this state's pod views to the new pods.
    const turned = walked?.after();
    const after = turned ? { ...upgraded, pods: turned.pods, nodes: turned.nodes } : afterUncordon(afterDrain(upgraded, drain), node, pending);
    const blocks = nodeCommands(node, v, drainCommand(node, flags), kind === 'node' && withKubeadm);
    this.step({ minor, kind, title, node, blocks, drain }, after, drainFindings, node);
  }

  /**
   * The workers' turns in the order the search picks them (worker-order.ts), the search asked for
   * each pick on the plan's own state, so that each turn it walked is the plan's turn: one drain
   * simulation and one pod-list change per worker turn (O(pods on the node)), not a second walk.
   */
  workerRound(workers: string[], turn: (node: string, walked?: Drained) => void): WorkerOrder {
    if (triesEveryOrder(workers)) {
      const order = chooseWorkerOrder(this.state, workers);
      for (const node of order.order) turn(node);
      return order;
    }
    const search = new GreedyWorkerOrder(this.state, workers);
    // With KCHECK_REBUILD_VIEWS=1 the plan simulates each turn itself, a cross-check of the shared one.
    for (let pick = search.next(this.state); pick; pick = search.next(this.state)) turn(pick.node, rebuildViews() ? undefined : pick.turn);
    return search.result();
  }

  private push(step: Omit<PlanStep, 'number'>): void {
    progress.stage('planning');
    progress.count('plan steps');
    this.steps.push({ number: this.steps.length, ...step });
  }

  /** Marks each finding with the step that clears it. */
  finish(): PlanStep[] {
    // Each finding's clearing steps in step order, gathered once: O(findings) and not O(steps² × findings).
    const clearedBy = new Map<string, PlanStep[]>();
    for (const step of this.steps) {
      for (const r of step.resolved) {
        const key = findingKey(r);
        const list = clearedBy.get(key);
        if (list) list.push(step);
        else clearedBy.set(key, [step]);
      }
    }
    for (const step of this.steps) {
      step.findings.forEach((finding, i) => {
        const clearing = clearedBy.get(findingKey(finding))?.find((later) => later.number > step.number);
        if (clearing) step.lifetimes[i] = { clearedAt: clearing.number, transient: step.kind !== 'preflight' && clearing.minor === step.minor };
      });
    }
    return this.steps;
  }
}

const lasting = (): FindingLifetime => ({ clearedAt: null, transient: false });

/** The step's findings with their lifetimes. */
export function stepFindings(step: PlanStep): { finding: Finding; lifetime: FindingLifetime }[] {
  return step.findings.map((finding, i) => ({ finding, lifetime: step.lifetimes[i] ?? lasting() }));
}

function controlPlaneNodes(model: ClusterModel): string[] {
  const labelled = model.nodes.filter((n) => n.controlPlane).map((n) => n.name);
  const hosting = componentsNamed(model, 'kube-apiserver').flatMap((c) => (c.node && model.nodes.some((n) => n.name === c.node) ? [c.node] : []));
  return [...new Set([...labelled, ...hosting])].sort();
}

function kubeadmEvidence(model: ClusterModel): boolean {
  return model.components.some((c) => c.source === 'kubeadm-config' || c.source === 'static-pod-image' || c.component === 'kubeadm');
}

/**
 * The upgrade from the control plane's current minor to `target`, one minor at
 * a time, in kubeadm's order (https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-upgrade/):
 * etcd backup, kubeadm, `kubeadm upgrade apply` on the first control-plane
 * node, `kubeadm upgrade node` on the others, each control-plane node's
 * kubelet, then each worker's, one at a time. Each step is judged by the real
 * rules on the cluster as it would be at that point.
 */
export function planUpgrade(model: ClusterModel, target: Version, config: Config, rules: Rule<any>[]): UpgradePlan {
  const range = apiserverRange(model);
  if (!range) {
    throw new UsageError(
      'no kube-apiserver version known: give the control plane\'s static pods (a dump of kube-system pods or --root), ' +
        '`kubectl version -o yaml` output, or the kubeadm-config ConfigMap',
    );
  }
  const from = range.oldest.version;
  if (minorDistance(target, from) < 0) {
    throw new UsageError(`--target ${minorOf(target)} is below the control plane (${formatVersion(from)}): kubeadm cannot downgrade; restore an etcd snapshot instead`);
  }
  const judge: Evaluator = {
    versionRules: rules.filter((r) => r.judges === 'cluster'),
    drainRules: rules.filter((r) => r.judges === 'drain'),
    config,
  };
  const cps = controlPlaneNodes(model);
  const first = cps[0] ?? 'the first control-plane node';
  const workers = model.nodes.map((n) => n.name).filter((n) => !cps.includes(n)).sort();
  const stackedEtcd = componentsNamed(model, 'etcd').length > 0;
  const notes: string[] = [];
  if (!kubeadmEvidence(model)) notes.push('nothing in the input shows kubeadm (no kubeadm-config, no static control-plane pods): the plan assumes a kubeadm cluster');
  const precordoned = model.nodes.filter((n) => n.unschedulable).map((n) => n.name);
  if (precordoned.length > 0) notes.push(`already cordoned before the upgrade: ${precordoned.join(', ')} (they take no evicted pods; the plan uncordons each after its upgrade)`);
  notes.push(`package versions: x stands for the newest patch release of the minor (apt-cache madison lists them); kubeadm upgrades to its own version`);

  const rounds: MinorRound[] = [];
  const minors = Array.from({ length: minorDistance(target, from) }, (_, i) => addMinors(from, i + 1));
  const plan = new PlanBuilder(withTarget({ ...model, drain: undefined }, minors[0] ?? target), judge);
  plan.baseline(minors.length > 0 ? `Before the upgrade (judged against ${minorOf(minors[0]!)})` : 'Before the upgrade', minorOf(from));

  // Kubelets older than the control plane are brought up to it first, one minor at a time.
  const oldestKubelet = model.nodes.flatMap((n) => kubeletVersionOn(model, n.name) ?? []).sort((a, b) => minorDistance(a, b))[0];
  if (oldestKubelet && minorDistance(from, oldestKubelet) > 0) {
    // The plan opens with the backups, before the first drain: the catch-up rounds move pods too.
    plan.step({ minor: minorOf(from), kind: 'backup', title: `Back up etcd and the PKI on ${first}, and the cluster's objects with Velero, before the kubelets catch up`, node: first, blocks: backupCommands(first, from, stackedEtcd), drain: null }, plan.state);
    for (let i = 1; i <= minorDistance(from, oldestKubelet); i++) {
      const v = addMinors(oldestKubelet, i);
      const lagging = (names: string[]) => names.filter((n) => {
        const kubelet = kubeletVersionOn(plan.state, n);
        return kubelet && minorDistance(v, kubelet) > 0;
      });
      // kubeadm stays at the control plane's minor: an older kubeadm cannot run `upgrade node` against it.
      const catchUp = (node: string, walked?: Drained) =>
        plan.nodeTurn(node, v, minorOf(v), cps.includes(node) ? 'control-plane-node' : 'node', false, `Catch up: drain ${node}, upgrade its kubelet to ${minorOf(v)}, uncordon`, false, walked);
      const laggingWorkers = lagging(workers);
      for (const cp of lagging(cps)) catchUp(cp);
      // The workers' order is searched from the cluster as the control-plane nodes' turns leave it.
      rounds.push({ minor: minorOf(v), catchUp: true, workerOrder: plan.workerRound(laggingWorkers, catchUp) });
    }
  }

  for (const v of minors) {
    const minor = minorOf(v);
    plan.step({ minor, kind: 'backup', title: `Back up etcd and the PKI on ${first}, and the cluster's objects with Velero, before ${minor}`, node: first, blocks: backupCommands(first, v, stackedEtcd), drain: null }, plan.state);
    // From here on the cluster is judged against this minor (kubeadm's, etcd's and the kubelets' readiness for it).
    plan.step({ minor, kind: 'kubeadm', title: `Upgrade kubeadm to ${minor} on ${first}`, node: first, blocks: kubeadmInstallCommands(first, v), drain: null }, withKubeadm(withTarget(plan.state, v), v));
    plan.step({ minor, kind: 'apply', title: `kubeadm upgrade apply on ${first}`, node: first, blocks: applyCommands(first), drain: null }, withControlPlaneAt(plan.state, first, v, true));
    for (const other of cps.slice(1)) {
      plan.step({ minor, kind: 'apply', title: `kubeadm upgrade node on ${other}`, node: other, blocks: upgradeNodeCommands(other, v), drain: null }, withControlPlaneAt(plan.state, other, v, false));
    }
    for (const cp of cps) {
      plan.nodeTurn(cp, v, minor, 'control-plane-node', cp === first, `Drain ${cp}, upgrade its kubelet and kubectl to ${minor}, uncordon`);
    }
    const order = plan.workerRound(workers, (worker, walked) =>
      plan.nodeTurn(worker, v, minor, 'node', false, `Drain ${worker}, upgrade kubeadm and its kubelet to ${minor}, uncordon`, true, walked),
    );
    rounds.push({ minor, catchUp: false, workerOrder: order });
  }
  if (minors.length === 0 && rounds.length === 0) notes.push(`the control plane is already at ${minorOf(from)} and every kubelet with it: nothing to upgrade`);
  return { from, to: target, rounds, controlPlaneNodes: cps, workers, steps: plan.finish(), notes };
}


