import type { ClusterModel, Node, Pod, Resources, Taint } from '../model/types.js';
import { isFinished, nodeMatchesAffinity, podKey, podsOnNode, untoleratedTaint, workloadKeyOf } from '../model/walks.js';

/** What is left on a node for new pods, as the scheduler's cache counts it. */
export interface NodeRoom {
  node: Node;
  /** allocatable minus the requests of the pods already there; empty when allocatable is unknown. */
  free: Resources;
  /** Whether status.allocatable was read; without it the fit cannot be judged. */
  capacityKnown: boolean;
  hostPorts: Set<number>;
  /** Replicas of each workload already there (`Kind/ns/name` → count). */
  replicas: Map<string, number>;
}

export interface Placed {
  pod: Pod;
  node: string;
  /** False when the node's allocatable was not read: the pod was assumed to fit. */
  capacityChecked: boolean;
}

export interface Unplaced {
  pod: Pod;
  /** The scheduler's summary: `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) were unschedulable.` */
  message: string;
  /** Why each node refused it, in the scheduler's words. */
  nodes: { node: string; reason: string }[];
}

export interface Placement {
  placed: Placed[];
  unplaced: Unplaced[];
}

/**
 * The taint a node that is not Ready carries (the node lifecycle controller adds it;
 * a dump may predate it): https://kubernetes.io/docs/reference/labels-annotations-taints/#node-kubernetes-io-not-ready
 */
const NOT_READY: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
const UNSCHEDULABLE: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export function roomOn(model: ClusterModel, node: Node, leaving: Set<string> = new Set()): NodeRoom {
  const capacityKnown = Object.keys(node.allocatable).length > 0;
  const free: Resources = { ...node.allocatable };
  const hostPorts = new Set<number>();
  const replicas = new Map<string, number>();
  for (const pod of podsOnNode(model, node.name)) {
    if (isFinished(pod) || leaving.has(podKey(pod))) continue;
    take(free, pod);
    for (const port of pod.hostPorts) hostPorts.add(port);
    const key = workloadKeyOf(pod);
    if (key) replicas.set(key, (replicas.get(key) ?? 0) + 1);
  }
  return { node, free, capacityKnown, hostPorts, replicas };
}

function take(free: Resources, pod: Pod): void {
  for (const [name, amount] of Object.entries(pod.requests)) free[name] = (free[name] ?? 0) - amount;
  if ('pods' in free) free['pods'] = (free['pods'] ?? 0) - 1;
}

/**
 * Why the scheduler would not put the pod on this node, in the order its
 * filter plugins run (NodeUnschedulable, TaintToleration, NodeAffinity,
 * NodePorts, NodeResourcesFit) and in its words; null when it fits.
 * https://kubernetes.io/docs/reference/scheduling/config/#scheduling-plugins
 */
export function whyNot(pod: Pod, room: NodeRoom, cordoned: boolean): string | null {
  const { node } = room;
  if ((node.unschedulable || cordoned) && untoleratedTaint(pod, [UNSCHEDULABLE])) return 'node(s) were unschedulable';
  const taints = node.ready === false && !node.taints.some((t) => t.key === NOT_READY.key) ? [...node.taints, NOT_READY] : node.taints;
  const taint = untoleratedTaint(pod, taints);
  if (taint) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  if (!nodeMatchesAffinity(node, pod)) return "node(s) didn't match Pod's node affinity/selector";
  if (pod.hostPorts.some((p) => room.hostPorts.has(p))) return "node(s) didn't have free ports for the requested pod ports";
  if (!room.capacityKnown) return null;
  const short: string[] = [];
  if ('pods' in room.free && (room.free['pods'] ?? 0) < 1) short.push('Too many pods');
  for (const [name, amount] of Object.entries(pod.requests).sort(([a], [b]) => a.localeCompare(b))) {
    if (amount > 0 && (room.free[name] ?? 0) < amount) short.push(`Insufficient ${name}`);
  }
  return short.length > 0 ? short.join(', ') : null;
}

/** `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) were unschedulable.` (the scheduler's FitError text). */
export function fitErrorMessage(total: number, reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) {
    for (const part of reason.split(', ')) counts.set(part, (counts.get(part) ?? 0) + 1);
  }
  const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  return `0/${total} nodes are available: ${histogram.join(', ')}.`;
}

export interface PlaceOptions {
  /** Nodes being drained: cordoned, and their pods are leaving. */
  draining: Set<string>;
  /** Pods that leave the draining nodes without being replaced (deleted for good, skipped DaemonSet pods stay). */
  leaving: Set<string>;
}

/** A node's room, remembered with the pods it was counted from: still valid while the same pods run there. */
const roomCache = new WeakMap<Node, { pods: Pod[]; room: NodeRoom }>();

const samePods = (a: Pod[], b: Pod[]): boolean => a.length === b.length && a.every((p, i) => p === b[i]);

/** Each node's room for this model's pods, shared between calls: placing copies a room before using it up. */
function roomsOf(model: ClusterModel, options: PlaceOptions): NodeRoom[] {
  return model.nodes.map((n) => {
    // Pods leave only the nodes being drained; only those rooms differ from the shared ones.
    if (options.draining.has(n.name)) return roomOn(model, n, options.leaving);
    const pods = podsOnNode(model, n.name);
    const cached = roomCache.get(n);
    if (cached && samePods(cached.pods, pods)) return cached.room;
    const room = roomOn(model, n);
    roomCache.set(n, { pods, room });
    return room;
  });
}

const copyRoom = (room: NodeRoom): NodeRoom => ({ ...room, free: { ...room.free }, hostPorts: new Set(room.hostPorts), replicas: new Map(room.replicas) });

/**
 * Where each pod's replacement could run: first fit over the nodes that can
 * take it, preferring nodes holding fewer replicas of the same workload (the
 * scheduler's default topology spreading,
 * https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/#internal-default-constraints),
 * then by node name. Each placement uses up room for the next pod.
 */
export function placePods(model: ClusterModel, pods: Pod[], options: PlaceOptions): Placement {
  const rooms = roomsOf(model, options);
  const own = new Set<NodeRoom>();
  const placement: Placement = { placed: [], unplaced: [] };
  for (const pod of pods) {
    const key = workloadKeyOf(pod);
    const order = rooms
      .map((room, i) => ({ i, replicas: key ? room.replicas.get(key) ?? 0 : 0, name: room.node.name }))
      .sort((a, b) => a.replicas - b.replicas || a.name.localeCompare(b.name));
    let chosen: number | undefined;
    const reasons = new Map<number, string>();
    for (const { i } of order) {
      const reason = whyNot(pod, rooms[i]!, options.draining.has(rooms[i]!.node.name));
      if (reason === null) {
        chosen = i;
        break;
      }
      reasons.set(i, reason);
    }
    if (chosen === undefined) {
      const nodes = rooms.map((room, i) => ({ node: room.node.name, reason: reasons.get(i) ?? '' }));
      placement.unplaced.push({ pod, message: fitErrorMessage(rooms.length, nodes.map((n) => n.reason)), nodes });
      continue;
    }
    let room = rooms[chosen]!;
    if (!own.has(room)) {
      room = copyRoom(room);
      rooms[chosen] = room;
      own.add(room);
    }
    take(room.free, pod);
    for (const port of pod.hostPorts) room.hostPorts.add(port);
    if (key) room.replicas.set(key, (room.replicas.get(key) ?? 0) + 1);
    placement.placed.push({ pod, node: room.node.name, capacityChecked: room.capacityKnown });
  }
  return placement;
}
