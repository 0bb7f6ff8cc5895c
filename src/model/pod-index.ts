import type { Pod } from './types.js';
import { sortedIndex } from './sorted-index.js';
import { isFinished, workloadKeyOf } from './walks.js';

/**
 * The views of one pod list that rules, predictions and the planner look
 * pods up by: pods by node, ready replicas by workload, the nodes each
 * workload runs on, pods with required anti-affinity, pods bound to no node.
 * Each is built on first use, in one pass over the pods (O(pods)).
 *
 * The planner derives a new pod list at every node turn (a drained node's
 * pods run elsewhere), and rebuilding every view from all pods at each turn
 * made a plan O(turns × pods). A list derived with `changePods` instead takes
 * over its parent's views and applies the few changes to them, O(changes ×
 * (pods on a node or replicas of a workload)); should the parent list be
 * asked again (the worker-order search tries a second node from the same
 * state), it builds its own views afresh. Lists returned by a view are never
 * changed afterwards: a change replaces the list it touches (copy on write).
 */

/** Old pod → the pod that takes its place in the list; pods gone from it. */
export interface PodChanges {
  replaced: ReadonlyMap<Pod, Pod>;
  removed: ReadonlySet<Pod>;
}

/**
 * Every pod object's place in the order of the pod lists it is in: pods are
 * numbered when a list is first indexed, and a pod that replaces another
 * takes its number, so a derived list (which keeps its parent's order) stays
 * in number order and a pod's position is found by binary search.
 */
const ranks = new WeakMap<Pod, number>();
let nextRank = 0;

const rankOf = (pod: Pod): number => ranks.get(pod) ?? Number.NaN;

/** Where the pod is in a list in rank order, or -1 (O(log n)). */
function positionIn(list: readonly Pod[], pod: Pod): number {
  const rank = rankOf(pod);
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = rankOf(list[mid]!);
    if (r === rank) return list[mid] === pod ? mid : -1;
    if (r < rank) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The list with the pod inserted at its rank (a new array). */
function withInserted(list: readonly Pod[], pod: Pod): Pod[] {
  const at = sortedIndex(list, rankOf(pod), rankOf);
  return [...list.slice(0, at), pod, ...list.slice(at)];
}

/** The list without the items at these positions, copied segment by segment. */
function withoutPositions<T>(list: readonly T[], positions: number[]): T[] {
  const sorted = [...positions].sort((a, b) => a - b);
  const segments: T[][] = [];
  let from = 0;
  for (const at of sorted) {
    segments.push(list.slice(from, at));
    from = at + 1;
  }
  segments.push(list.slice(from));
  return ([] as T[]).concat(...segments);
}

const withoutPod = (list: readonly Pod[], pod: Pod): Pod[] => list.filter((p) => p !== pod);

/** A view that files each pod under at most one key, lists kept in the pod list's order. */
class Grouped {
  readonly lists = new Map<string, readonly Pod[]>();

  constructor(private readonly keyOf: (pod: Pod) => string | undefined, pods: readonly Pod[]) {
    const building = new Map<string, Pod[]>();
    for (const pod of pods) {
      const key = keyOf(pod);
      if (key === undefined) continue;
      const list = building.get(key);
      if (list) list.push(pod);
      else building.set(key, [pod]);
    }
    for (const [key, list] of building) this.lists.set(key, list);
  }

  remove(pod: Pod): void {
    const key = this.keyOf(pod);
    if (key === undefined) return;
    const list = this.lists.get(key);
    if (!list) return;
    const rest = withoutPod(list, pod);
    if (rest.length === 0) this.lists.delete(key);
    else this.lists.set(key, rest);
  }

  add(pod: Pod): void {
    const key = this.keyOf(pod);
    if (key === undefined) return;
    this.lists.set(key, withInserted(this.lists.get(key) ?? [], pod));
  }
}

/** A replica that serves: Ready, not being deleted, not finished, not a mirror of a static pod. */
export const servingReady = (pod: Pod): boolean => pod.ready && !pod.deleting && !isFinished(pod) && !pod.mirror;

const runningKey = (pod: Pod): string | undefined => (pod.nodeName && !isFinished(pod) ? workloadKeyOf(pod) : undefined);

/** Workload key → node → how many of its pods (finished ones left out) are bound there, as the scheduler's spreading counts them. */
class Spread {
  readonly nodes = new Map<string, ReadonlyMap<string, number>>();

  constructor(pods: readonly Pod[]) {
    for (const pod of pods) this.count(pod, 1);
  }

  count(pod: Pod, by: 1 | -1): void {
    const key = runningKey(pod);
    if (key === undefined) return;
    const counts = new Map(this.nodes.get(key) ?? []);
    const n = (counts.get(pod.nodeName!) ?? 0) + by;
    if (n > 0) counts.set(pod.nodeName!, n);
    else counts.delete(pod.nodeName!);
    if (counts.size > 0) this.nodes.set(key, counts);
    else this.nodes.delete(key);
  }
}

/** Node → how many pods bound there are not finished: what counts against the node's `pods` allocatable. */
class Tally {
  readonly counts = new Map<string, number>();

  constructor(pods: readonly Pod[]) {
    for (const pod of pods) this.count(pod, 1);
  }

  count(pod: Pod, by: 1 | -1): void {
    if (!pod.nodeName || isFinished(pod)) return;
    const n = (this.counts.get(pod.nodeName) ?? 0) + by;
    if (n > 0) this.counts.set(pod.nodeName, n);
    else this.counts.delete(pod.nodeName);
  }
}

const ONE = 'all';

export class PodIndex {
  private byNodeView: Grouped | null = null;
  private readyView: Grouped | null = null;
  private antiAffinityView: Grouped | null = null;
  private unboundView: Grouped | null = null;
  private spreadView: Spread | null = null;
  private tallyView: Tally | null = null;

  /** Whether the list is in rank order, so that changes can be applied to it by position. */
  readonly ordered: boolean;

  /** A fresh index of the list, or (with `from`) the views of the index it was carried from. */
  constructor(readonly pods: readonly Pod[], from?: PodIndex) {
    if (from) {
      this.byNodeView = from.byNodeView;
      this.readyView = from.readyView;
      this.antiAffinityView = from.antiAffinityView;
      this.unboundView = from.unboundView;
      this.spreadView = from.spreadView;
      this.tallyView = from.tallyView;
      this.ordered = true;
      return;
    }
    let last = -1;
    let ordered = true;
    for (const pod of pods) {
      let rank = ranks.get(pod);
      if (rank === undefined) {
        rank = nextRank++;
        ranks.set(pod, rank);
      }
      if (rank <= last) ordered = false;
      last = rank;
    }
    this.ordered = ordered;
  }

  byNode(): Grouped {
    return (this.byNodeView ??= new Grouped((p) => p.nodeName, this.pods));
  }

  ready(): Grouped {
    return (this.readyView ??= new Grouped((p) => (servingReady(p) ? workloadKeyOf(p) : undefined), this.pods));
  }

  antiAffinity(): readonly Pod[] {
    this.antiAffinityView ??= new Grouped((p) => (p.nodeName && !isFinished(p) && (p.podAntiAffinity ?? []).length > 0 ? ONE : undefined), this.pods);
    return this.antiAffinityView.lists.get(ONE) ?? [];
  }

  unbound(): readonly Pod[] {
    this.unboundView ??= new Grouped((p) => (p.nodeName ? undefined : ONE), this.pods);
    return this.unboundView.lists.get(ONE) ?? [];
  }

  spread(): Spread {
    return (this.spreadView ??= new Spread(this.pods));
  }

  /** Node name → its pods that are not finished. */
  running(): ReadonlyMap<string, number> {
    return (this.tallyView ??= new Tally(this.pods)).counts;
  }

  /**
   * The pod list with the changes made, and this index's views moved to it
   * with the changes applied; this index is spent (its owner rebuilds one).
   * O(changes × log pods) for the list's positions plus the views' updates,
   * and one copy of the list (a memory copy, no per-pod work).
   */
  carry(changes: PodChanges): { pods: Pod[]; index: PodIndex } {
    if (!this.ordered) {
      // A list assembled out of order (not by the planner): changed pod by pod and indexed afresh, O(pods).
      const pods = this.pods.flatMap((p) => (changes.removed.has(p) ? [] : [changes.replaced.get(p) ?? p]));
      return { pods, index: new PodIndex(pods) };
    }
    const pods = this.pods.slice();
    const gone: number[] = [];
    for (const [old, next] of changes.replaced) {
      const at = positionIn(this.pods, old);
      if (at < 0) continue;
      ranks.set(next, rankOf(old));
      pods[at] = next;
      this.update(old, next);
    }
    for (const pod of changes.removed) {
      const at = positionIn(this.pods, pod);
      if (at < 0) continue;
      gone.push(at);
      this.update(pod, null);
    }
    const kept = gone.length === 0 ? pods : withoutPositions(pods, gone);
    const index = new PodIndex(kept, this);
    // Spent: its views now belong to the new list; asked again, it builds its own.
    this.byNodeView = this.readyView = this.antiAffinityView = this.unboundView = null;
    this.spreadView = this.tallyView = null;
    return { pods: kept, index };
  }

  private update(old: Pod, next: Pod | null): void {
    for (const view of [this.byNodeView, this.readyView, this.antiAffinityView, this.unboundView]) {
      if (!view) continue;
      view.remove(old);
      if (next) view.add(next);
    }
    for (const view of [this.spreadView, this.tallyView]) {
      if (!view) continue;
      view.count(old, -1);
      if (next) view.count(next, 1);
    }
  }
}
