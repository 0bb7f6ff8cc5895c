import type { ClusterModel } from '../model/types.js';
import { readyReplicas } from '../model/cluster-index.js';
import { podKey } from '../model/walks.js';
import { workloadsOnlyOn } from '../predict/availability.js';
import { simulateDrain } from '../predict/drain.js';
import { flagsNeeded } from '../predict/drain-command.js';
import { afterDrain, afterUncordon } from './state.js';
import type { DrainPrediction } from '../predict/drain-types.js';
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

export interface Drained {
  /** The cluster after the turn, made when first asked for (the search asks only for the node it picks). */
  after(): ClusterModel;
  losses: string[];
  /** How many of the losses another order could have avoided (see drainTurn). */
  avoidable: number;
  drain: DrainPrediction;
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
  let after: ClusterModel | undefined;
  return { after: () => (after ??= afterUncordon(afterDrain(model, drain), node, pending)), losses, avoidable: losses.length - unavoidable, drain };
}

function walk(model: ClusterModel, order: string[]): { model: ClusterModel; losses: string[] } {
  let state = model;
  const losses: string[] = [];
  for (const node of order) {
    const turn = drainTurn(state, node);
    losses.push(...turn.losses);
    state = turn.after();
  }
  return { model: state, losses };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** Whether chooseWorkerOrder tries every order of these workers (else it picks one node at a time). */
export const triesEveryOrder = (workers: string[]): boolean => workers.length <= EXHAUSTIVE_UP_TO;

/**
 * The greedy search, one pick at a time: next is the first node (by name) whose turn loses nothing
 * another order could keep; the cheapest one only when every node's turn does. Usually the first node
 * qualifies, so the search costs one turn per node (O(workers) turns), not one per node left at every
 * pick (O(workers²)). The plan asks for each pick on its own state and takes the turn the search
 * walked, so each worker's drain is simulated once.
 */
export class GreedyWorkerOrder {
  private readonly order: string[] = [];
  private readonly losses: string[] = [];
  private readonly left: string[];

  constructor(private readonly start: ClusterModel, workers: string[]) {
    this.left = [...workers].sort();
  }

  /** The next node and its turn from `state` (the cluster after the previous pick's turn), or null when none is left. */
  next(state: ClusterModel): { node: string; turn: Drained } | null {
    if (this.left.length === 0) return null;
    let pick: { node: string; turn: Drained } | undefined;
    for (const node of this.left) {
      const turn = drainTurn(state, node, this.start);
      if (!pick || turn.avoidable < pick.turn.avoidable || (turn.avoidable === pick.turn.avoidable && turn.losses.length < pick.turn.losses.length)) pick = { node, turn };
      if (turn.avoidable === 0) break;
    }
    this.order.push(pick!.node);
    this.losses.push(...pick!.turn.losses);
    this.left.splice(this.left.indexOf(pick!.node), 1);
    return pick!;
  }

  result(): WorkerOrder {
    return { order: [...this.order], losses: [...this.losses], keepsEveryWorkloadAvailable: this.losses.length === 0, searched: 'one node at a time (greedy)' };
  }
}

/**
 * The worker order that keeps every workload available, when one exists:
 * replacements land on the nodes still up, so the order decides whether a
 * later drain strands a workload whose replicas all moved to that node.
 */
export function chooseWorkerOrder(model: ClusterModel, workers: string[]): WorkerOrder {
  const sorted = [...workers].sort();
  if (triesEveryOrder(sorted)) {
    let best: { order: string[]; losses: string[] } | undefined;
    for (const order of permutations(sorted)) {
      const { losses } = walk(model, order);
      if (!best || losses.length < best.losses.length) best = { order, losses };
      if (best.losses.length === 0) break;
    }
    const found = best ?? { order: sorted, losses: [] };
    return { ...found, keepsEveryWorkloadAvailable: found.losses.length === 0, searched: 'every order' };
  }
  const search = new GreedyWorkerOrder(model, sorted);
  let state = model;
  for (let pick = search.next(state); pick; pick = search.next(state)) state = pick.turn.after();
  return search.result();
}
