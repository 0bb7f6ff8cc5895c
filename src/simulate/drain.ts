import type { ClusterModel, DrainFlags, Node, Pod, PodDisruptionBudget } from '../model/types.js';
import { isFinished, nodeNamed, podKey, podsOnNode } from '../model/walks.js';
import { drainFilter, PERMISSIVE_FLAGS, type FilterVerdict } from './drain-filters.js';
import { EvictionBudget, type EvictionAnswer } from './eviction.js';
import { placePods, type Unplaced } from './placement.js';

export { NO_FLAGS } from './drain-filters.js';

export type DrainAction = 'evict' | 'delete' | 'skip' | 'refuse' | 'delete-forever';

export type Destination =
  | { node: string; capacityChecked: boolean }
  | { node: null; message: string; nodes: { node: string; reason: string }[] };

export interface PodFate {
  pod: Pod;
  action: DrainAction;
  /** In kubectl's words (or the API server's, for an eviction it refuses). */
  reason: string;
  filter: FilterVerdict;
  /** The Eviction API's answer, for pods drain evicts (not with --disable-eviction). */
  eviction: EvictionAnswer | null;
  /** Where the replacement could run, for pods a controller recreates; null when nothing replaces the pod. */
  destination: Destination | null;
  /** The pod's emptyDir data is deleted with it. */
  losesEmptyDir: boolean;
}

export interface DrainPrediction {
  node: string;
  /** False when no such node was read (kubectl: `nodes "x" not found`). */
  nodeFound: boolean;
  flags: DrainFlags;
  fates: PodFate[];
  /**
   * drained: every pod is handled and drain ends; refused: the filters refuse a pod, so drain evicts
   * nothing (the node stays cordoned); blocked: an eviction is refused and drain retries or fails.
   */
  outcome: 'drained' | 'refused' | 'blocked';
  /** What kubectl would print, line by line. */
  kubectlOutput: string[];
  /** The `kubectl drain` that gets past every filter. */
  command: string;
  /** PDB refusals no drain flag gets past (short of --disable-eviction). */
  blockedBy: string[];
  /** Pods that command deletes for good. */
  lostByCommand: Pod[];
  /** What to do instead when that command would lose pods. */
  safeAlternative: string | null;
  /** Evicted pods that fit on no other node. */
  unplaced: Unplaced[];
  /** Facts about the destinations worth knowing (an untainted control-plane node, a node already cordoned). */
  notes: string[];
}

function byName(a: Pod, b: Pod): number {
  // The API lists pods in key order: namespace, then name.
  return a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}

function actionOf(verdict: FilterVerdict): DrainAction {
  if (verdict.final.type === 'Error') return 'refuse';
  if (!verdict.final.delete) return 'skip';
  return verdict.lostForGood ? 'delete-forever' : 'evict';
}

function reasonOf(pod: Pod, verdict: FilterVerdict): string {
  const said = verdict.notes.map((n) => n.message).filter((m) => m !== '');
  if (said.length > 0) return said.join('; ');
  if (pod.mirror) return 'mirror pod (static pod of the kubelet): drain skips it';
  if (isFinished(pod)) return `${pod.phase}: finished pods are deleted`;
  return pod.controller ? `managed by ${pod.controller.kind} ${pod.controller.name}` : '';
}

function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

/** utilerrors aggregate of PodDeleteList.errors(): one "cannot delete MSG: pods" per message. */
function filterErrors(fates: PodFate[]): string[] {
  const byMessage = new Map<string, string[]>();
  for (const f of fates) {
    if (f.filter.final.type !== 'Error') continue;
    const list = byMessage.get(f.filter.final.message) ?? [];
    list.push(podKey(f.pod));
    byMessage.set(f.filter.final.message, list);
  }
  return [...byMessage].map(([message, pods]) => `cannot delete ${message}: ${pods.join(', ')}`);
}

function warningLine(fates: PodFate[]): string | null {
  const byMessage = new Map<string, string[]>();
  for (const f of fates) {
    if (f.filter.final.type !== 'Warning') continue;
    const list = byMessage.get(f.filter.final.message) ?? [];
    list.push(podKey(f.pod));
    byMessage.set(f.filter.final.message, list);
  }
  if (byMessage.size === 0) return null;
  return `Warning: ${[...byMessage].map(([m, pods]) => `${m}: ${pods.join(', ')}`).join('; ')}`;
}

function kubectlOutput(node: Node, fates: PodFate[], flags: DrainFlags, outcome: DrainPrediction['outcome']): string[] {
  const lines = [node.unschedulable ? `node/${node.name} already cordoned` : `node/${node.name} cordoned`];
  // The summary line carries the errors aggregated; then kubectl prints each one on a line of its own.
  const failed = (errors: string[]): string[] => [
    `error: unable to drain node "${node.name}" due to error: ${aggregate(errors)}, continuing command...`,
    'There are pending nodes to be drained:',
    ` ${node.name}`,
    ...new Set(errors),
  ];
  if (outcome === 'refused') return [...lines, ...failed(filterErrors(fates))];
  const warning = warningLine(fates);
  if (warning) lines.push(warning);
  const fatal: string[] = [];
  for (const f of fates) {
    if (!f.filter.final.delete) continue;
    const { namespace, name } = f.pod;
    if (flags.disableEviction) {
      lines.push(`pod/${name} deleted`);
      continue;
    }
    lines.push(`evicting pod ${namespace}/${name}`);
    const answer = f.eviction;
    if (answer?.result === 'refused' && answer.code === 500) {
      const error = `error when evicting pods/"${name}" -n "${namespace}": ${answer.message}`;
      lines.push(error);
      fatal.push(error);
    } else if (answer?.result === 'refused' || answer?.result === 'retried') {
      lines.push(`error when evicting pods/"${name}" -n "${namespace}" (will retry after 5s): ${answer.message}`);
      if (answer.result === 'retried') lines.push(`pod/${name} evicted`);
    } else {
      lines.push(`pod/${name} evicted`);
    }
  }
  if (fatal.length > 0) return [...lines, ...failed(fatal)];
  if (fates.some((f) => f.eviction?.result === 'refused')) {
    lines.push('(retries every 5s until --timeout; the default timeout is forever)');
    return lines;
  }
  lines.push(`node/${node.name} drained`);
  return lines;
}

/** The flags that get every pod on the node past kubectl's filters (none more). */
export function flagsNeeded(model: ClusterModel, nodeName: string): DrainFlags {
  const notes = podsOnNode(model, nodeName).flatMap((p) => drainFilter(model, p, PERMISSIVE_FLAGS).notes);
  return {
    ignoreDaemonsets: notes.some((n) => n.filter === 'daemonSet' && n.type === 'Warning' && !n.delete),
    deleteEmptydirData: notes.some((n) => n.filter === 'localStorage'),
    force: notes.some((n) => n.filter === 'unreplicated' || (n.filter === 'daemonSet' && n.delete)),
    disableEviction: false,
  };
}

/** `kubectl drain NODE --ignore-daemonsets ...` with the flags set. */
export function drainCommand(nodeName: string, flags: DrainFlags): string {
  const named: [boolean, string][] = [
    [flags.ignoreDaemonsets, '--ignore-daemonsets'],
    [flags.deleteEmptydirData, '--delete-emptydir-data'],
    [flags.force, '--force'],
    [flags.disableEviction, '--disable-eviction'],
  ];
  return ['kubectl drain', nodeName, ...named.filter(([on]) => on).map(([, flag]) => flag)].join(' ');
}

function describeBlock(pod: Pod, answer: EvictionAnswer): string {
  if (answer.result !== 'refused') return '';
  const names = answer.pdbs.map((p) => `${p.namespace}/${p.name}`).join(', ');
  if (answer.code === 500) return `${podKey(pod)} is selected by ${answer.pdbs.length} PodDisruptionBudgets (${names}): eviction fails with 500`;
  const pdb = answer.pdbs[0]!;
  return `${podKey(pod)}: PodDisruptionBudget ${names} allows 0 disruptions${pdbTerms(pdb)}: eviction refused with 429`;
}

/** The evictions refused once every filter flag is given: what no flag but --disable-eviction gets past. */
function blocksOnceFiltersPass(model: ClusterModel, pods: Pod[]): string[] {
  const budget = new EvictionBudget(model);
  return pods
    .filter((pod) => drainFilter(model, pod, PERMISSIVE_FLAGS).final.delete)
    .map((pod) => describeBlock(pod, budget.evict(pod)))
    .filter((b) => b !== '');
}

export function pdbTerms(pdb: PodDisruptionBudget): string {
  const spec = pdb.minAvailable !== undefined ? `minAvailable: ${pdb.minAvailable}` : pdb.maxUnavailable !== undefined ? `maxUnavailable: ${pdb.maxUnavailable}` : '';
  const health = pdb.currentHealthy !== undefined ? `${pdb.currentHealthy} healthy, ${pdb.desiredHealthy ?? 0} needed` : '';
  const parts = [spec, health].filter((p) => p !== '');
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/**
 * What `kubectl drain NODE` would do, pod by pod: kubectl's filters first,
 * then the Eviction API (PodDisruptionBudgets), then where the scheduler could
 * put each replacement. Pure: reads the model only.
 */
export function simulateDrain(model: ClusterModel, nodeName: string, flags: DrainFlags): DrainPrediction {
  const node = nodeNamed(model, nodeName);
  const pods = podsOnNode(model, nodeName).sort(byName);
  const verdicts = pods.map((pod) => ({ pod, verdict: drainFilter(model, pod, flags) }));

  // The Eviction API's answer for each pod drain deletes, in the order drain asks.
  const budget = new EvictionBudget(model);
  const answers = new Map<Pod, EvictionAnswer>();
  if (!flags.disableEviction) {
    for (const { pod, verdict } of verdicts) if (verdict.final.delete) answers.set(pod, budget.evict(pod));
  }
  const goes = ({ pod, verdict }: { pod: Pod; verdict: FilterVerdict }) => verdict.final.delete && answers.get(pod)?.result !== 'refused';

  // Replacements: pods that leave and that a controller recreates elsewhere.
  const recreated = verdicts.filter((v) => goes(v) && !v.verdict.lostForGood && !isFinished(v.pod)).map((v) => v.pod);
  const leaving = new Set(verdicts.filter(goes).map((v) => podKey(v.pod)));
  const placement = placePods(model, recreated, { draining: new Set([nodeName]), leaving });
  const placed = new Map(placement.placed.map((p) => [podKey(p.pod), p]));
  const unplaced = new Map(placement.unplaced.map((u) => [podKey(u.pod), u]));

  const fates: PodFate[] = verdicts.map(({ pod, verdict }) => {
    let action = actionOf(verdict);
    let reason = reasonOf(pod, verdict);
    const eviction = answers.get(pod) ?? null;
    if (verdict.final.delete && flags.disableEviction && action === 'evict') action = 'delete';
    if (eviction?.result === 'refused') {
      action = 'refuse';
      reason = `${eviction.code === 429 ? '429 Too Many Requests' : '500 Internal Server Error'}: ${eviction.message}`;
    } else if (eviction?.result === 'retried') {
      reason = [reason, '429 until an earlier replacement is Ready (drain retries every 5s)'].filter((r) => r !== '').join('; ');
    } else if (eviction?.result === 'allowed' && eviction.note) {
      reason = [reason, eviction.note].filter((r) => r !== '').join('; ');
    }
    const key = podKey(pod);
    const spot = placed.get(key);
    const nowhere = unplaced.get(key);
    const destination: Destination | null = spot
      ? { node: spot.node, capacityChecked: spot.capacityChecked }
      : nowhere
        ? { node: null, message: nowhere.message, nodes: nowhere.nodes }
        : null;
    return { pod, action, reason, filter: verdict, eviction, destination, losesEmptyDir: verdict.losesEmptyDir };
  });

  const outcome: DrainPrediction['outcome'] = fates.some((f) => f.filter.final.type === 'Error')
    ? 'refused'
    : fates.some((f) => f.eviction?.result === 'refused')
      ? 'blocked'
      : 'drained';

  const command = drainCommand(nodeName, flagsNeeded(model, nodeName));
  const lostByCommand = pods.filter((p) => drainFilter(model, p, PERMISSIVE_FLAGS).lostForGood);
  const blockedBy = flags.disableEviction ? [] : blocksOnceFiltersPass(model, pods);
  const safeAlternative = lostByCommand.length > 0
    ? `kubectl cordon ${nodeName}  # keeps ${lostByCommand.map(podKey).join(', ')} running; no new pods land on ${nodeName}`
    : null;

  return {
    node: nodeName,
    nodeFound: node !== undefined,
    flags,
    fates,
    outcome: node ? outcome : 'refused',
    kubectlOutput: node ? kubectlOutput(node, fates, flags, outcome) : [`Error from server (NotFound): nodes "${nodeName}" not found`],
    command,
    blockedBy,
    lostByCommand,
    safeAlternative,
    unplaced: placement.unplaced,
    notes: destinationNotes(model, node, fates),
  };
}

function destinationNotes(model: ClusterModel, node: Node | undefined, fates: PodFate[]): string[] {
  const notes: string[] = [];
  if (node?.unschedulable) notes.push(`${node.name} is already cordoned (spec.unschedulable: true)`);
  const targets = new Set(fates.flatMap((f) => (f.destination?.node ? [f.destination.node] : [])));
  for (const name of [...targets].sort()) {
    const target = nodeNamed(model, name);
    if (target?.controlPlane && !target.taints.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) {
      notes.push(
        `${name} is a control-plane node without a NoSchedule taint: evicted pods can land there ` +
          `(kubeadm taints control-plane nodes node-role.kubernetes.io/control-plane:NoSchedule)`,
      );
    }
    if (fates.some((f) => f.destination?.node === name && !f.destination.capacityChecked)) {
      notes.push(`${name} has no status.allocatable in the input: whether the pods fit there was not checked`);
    }
  }
  return notes;
}

const predictions = new WeakMap<ClusterModel, Map<string, DrainPrediction>>();

/** simulateDrain, remembered per model: several rules ask about the same node. */
export function predictDrain(model: ClusterModel, nodeName: string, flags: DrainFlags): DrainPrediction {
  let cache = predictions.get(model);
  if (!cache) {
    cache = new Map();
    predictions.set(model, cache);
  }
  const key = `${nodeName}\u0000${flags.ignoreDaemonsets}${flags.deleteEmptydirData}${flags.force}${flags.disableEviction}`;
  let prediction = cache.get(key);
  if (!prediction) {
    prediction = simulateDrain(model, nodeName, flags);
    cache.set(key, prediction);
  }
  return prediction;
}
