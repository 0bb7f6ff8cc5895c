import type { ClusterModel } from '../model/types.js';
import { readyReplicas } from '../model/cluster-index.js';
import { podKey } from '../model/walks.js';
import { workloadsOnlyOn } from '../predict/availability.js';
import { simulateDrain } from '../predict/drain.js';
import { flagsNeeded } from '../predict/drain-command.js';
import { afterDrain, afterUncordon } from './state.js';
import { podName } from '../predict/describe.js';

export interface WorkerOrder {
  order: string[];
  /** True when draining the workers in this order never leaves a workload without a ready replica or a pod without a node. */
  keepsEveryWorkloadAvailable: boolean;
  /** What still goes down in the best order found. */
  losses: string[];
  searched: 'every order' | 'one node at a time (greedy)';
}

/** Orders of up to this many workers are all tried (720); beyond, the order is built one node at a time. */
const EXHAUSTIVE_UP_TO = 6;

interface Drained {
  model: ClusterModel;
  losses: string[];
  /** How many of the losses another order could have avoided (see drainTurn). */
  avoidable: number;
}

/**
 * One node's turn: drain (with the flags it needs), upgrade, uncordon; what it costs in availability.
 * A workload with a single ready replica, or whose ready replicas all ran on the node before the
 * upgrade began, goes down in every order; the other losses (replicas moved there by earlier drains, pods with no room)
 * are the ones an order can avoid.
 */
export function drainTurn(model: ClusterModel, node: string, start: ClusterModel = model): Drained {
  const drain = simulateDrain(model, node, flagsNeeded(model, node));
  const stranded = workloadsOnlyOn(model, node);
  const losses = [
    ...stranded.map((s) => `draining ${node} leaves ${s.top.kind} ${s.namespace}/${s.top.name} with no ready replica`),
    ...drain.unplaced.map((u) => `draining ${node} leaves ${podName(u.pod)} Pending: ${u.message}`),
  ];
  // One replica goes down at every drain of the node it is on; replicas that all ran here from the start go down together whatever the order.
  const unavoidable = stranded.filter((s) => s.ready.length <= 1 || readyReplicas(start, s.key).every((p) => p.nodeName === node)).length;
  const pending = new Set(drain.unplaced.map((u) => podKey(u.pod)));
  return { model: afterUncordon(afterDrain(model, drain), node, pending), losses, avoidable: losses.length - unavoidable };
}

function walk(model: ClusterModel, order: string[]): Omit<Drained, 'avoidable'> {
  let state = model;
  const losses: string[] = [];
  for (const node of order) {
    const turn = drainTurn(state, node);
    losses.push(...turn.losses);
    state = turn.model;
  }
  return { model: state, losses };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/**
 * The worker order that keeps every workload available, when one exists:
 * replacements land on the nodes still up, so the order decides whether a
 * later drain strands a workload whose replicas all moved to that node.
 */
export function chooseWorkerOrder(model: ClusterModel, workers: string[]): WorkerOrder {
  const sorted = [...workers].sort();
  if (sorted.length <= EXHAUSTIVE_UP_TO) {
    let best: { order: string[]; losses: string[] } | undefined;
    for (const order of permutations(sorted)) {
      const { losses } = walk(model, order);
      if (!best || losses.length < best.losses.length) best = { order, losses };
      if (best.losses.length === 0) break;
    }
    const found = best ?? { order: sorted, losses: [] };
    return { ...found, keepsEveryWorkloadAvailable: found.losses.length === 0, searched: 'every order' };
  }
  // Next is the first node (by name) whose turn loses nothing another order could keep; the cheapest one only
  // when every node's turn does. Usually the first node qualifies, so the search costs one turn per node
  // (O(workers) turns), not one per node left at every pick (O(workers²)).
  let state = model;
  const order: string[] = [];
  const losses: string[] = [];
  const left = [...sorted];
  while (left.length > 0) {
    let pick: { node: string; turn: Drained } | undefined;
    for (const node of left) {
      const turn = drainTurn(state, node, model);
      if (!pick || turn.avoidable < pick.turn.avoidable || (turn.avoidable === pick.turn.avoidable && turn.losses.length < pick.turn.losses.length)) pick = { node, turn };
      if (turn.avoidable === 0) break;
    }
    order.push(pick!.node);
    losses.push(...pick!.turn.losses);
    state = pick!.turn.model;
    left.splice(left.indexOf(pick!.node), 1);
  }
  return { order, losses, keepsEveryWorkloadAvailable: losses.length === 0, searched: 'one node at a time (greedy)' };
}
