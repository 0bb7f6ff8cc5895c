import type { ClusterModel, LabelSelector, Node, Pod, PodAffinityTerm, PersistentVolume, Resources, Taint, TopologySpreadConstraint } from '../model/types.js';
import { isFinished, labelSelectorMatches, nodeMatchesAffinity, podKey, untoleratedTaint, workloadKeyOf } from '../model/walks.js';
import { sortedIndex } from '../model/sorted-index.js';
import { kindRead, namePositions, namespaceNamed, nodesByName, nodesCalled, nodesRunningWorkload, persistentVolumeNamed, podsOnNode, podsWithAntiAffinity, remembered, runningPodsOn, volumeClaimNamed } from '../model/cluster-index.js';

/**
 * Where the scheduler can put a pod, filter by filter, in the order
 * kube-scheduler v1.35.4 runs its filter plugins (NodeUnschedulable,
 * TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, VolumeBinding,
 * PodTopologySpread, InterPodAffinity:
 * https://github.com/kubernetes/kubernetes/blob/v1.35.4/pkg/scheduler/apis/config/v1/default_plugins.go#L30-L52);
 * the first filter that refuses a node gives its reason, in the plugin's words.
 */

/** What is left on a node for new pods, as the scheduler's cache counts it. */
interface NodeRoom {
  node: Node;
  /** allocatable minus the requests of the pods already there; empty when allocatable is unknown. */
  free: Resources;
  /** Whether status.allocatable was read; without it the fit cannot be judged. */
  capacityKnown: boolean;
  hostPorts: Set<number>;
  /** Replicas of each workload already there (`Kind/ns/name` → count). */
  replicas: Map<string, number>;
  /** The pods there, the replacements placed so far included. */
  pods: Pod[];
}

interface Placed {
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
/** The taint a cordoned node carries: https://kubernetes.io/docs/reference/labels-annotations-taints/#node-kubernetes-io-unschedulable */
const UNSCHEDULABLE: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** The scheduler plugins' reasons (pkg/scheduler/framework/plugins/*, v1.35.4). */
const SCHEDULER = {
  /** nodeunschedulable/node_unschedulable.go#L51 */
  unschedulable: 'node(s) were unschedulable',
  /** nodeaffinity/node_affinity.go#L64 */
  nodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  /** nodeports/node_ports.go#L51 */
  ports: "node(s) didn't have free ports for the requested pod ports",
  /** volumebinding/binder.go#L66 and #L70 */
  volumeNodeAffinity: "node(s) didn't match PersistentVolume's node affinity",
  volumeMissing: 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)',
  /** podtopologyspread/plugin.go#L41-L43 */
  spread: "node(s) didn't match pod topology spread constraints",
  spreadLabel: "node(s) didn't match pod topology spread constraints (missing required label)",
  /** interpodaffinity/filtering.go#L37-L41 */
  affinity: "node(s) didn't match pod affinity rules",
  antiAffinity: "node(s) didn't match pod anti-affinity rules",
  existingAntiAffinity: "node(s) didn't satisfy existing pods anti-affinity rules",
} as const;

/**
 * TaintToleration's reason. Since kube-scheduler 1.35 (and 1.34.2, kubernetes/kubernetes#134740,
 * #135023) it no longer names the taint (tainttoleration/taint_toleration.go#L131); before, it did.
 */
function taintReason(model: ClusterModel, taint: Taint): string {
  const scheduler = model.components.find((c) => c.component === 'kube-scheduler' && c.version)?.version
    ?? model.components.find((c) => c.component === 'kube-apiserver' && c.version)?.version;
  const generic = scheduler && scheduler.major === 1 && (scheduler.minor >= 35 || (scheduler.minor === 34 && scheduler.patch >= 2));
  return generic ? 'node(s) had untolerated taint(s)' : `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

function roomOn(model: ClusterModel, node: Node, leaving: Set<string> = new Set()): NodeRoom {
  const capacityKnown = Object.keys(node.allocatable).length > 0;
  const free: Resources = { ...node.allocatable };
  const hostPorts = new Set<number>();
  const replicas = new Map<string, number>();
  const pods: Pod[] = [];
  for (const pod of podsOnNode(model, node.name)) {
    if (isFinished(pod) || leaving.has(podKey(pod))) continue;
    pods.push(pod);
    take(free, pod);
    for (const port of pod.hostPorts) hostPorts.add(port);
    const key = workloadKeyOf(pod);
    if (key) replicas.set(key, (replicas.get(key) ?? 0) + 1);
  }
  return { node, free, capacityKnown, hostPorts, replicas, pods };
}

function take(free: Resources, pod: Pod): void {
  for (const [name, amount] of Object.entries(pod.requests)) free[name] = (free[name] ?? 0) - amount;
  if ('pods' in free) free['pods'] = (free['pods'] ?? 0) - 1;
}

/** Whether the node's taints keep the pod off, a cordon counting as its unschedulable taint. */
function taintsOf(node: Node, cordoned: boolean): Taint[] {
  const taints = node.ready === false && !node.taints.some((t) => t.key === NOT_READY.key) ? [...node.taints, NOT_READY] : [...node.taints];
  if ((node.unschedulable || cordoned) && !taints.some((t) => t.key === UNSCHEDULABLE.key)) taints.push(UNSCHEDULABLE);
  return taints;
}

/** The PersistentVolumes the pod's claims are bound to; `missing` when a bound one was not read. */
function boundVolumes(model: ClusterModel, pod: Pod): { volumes: PersistentVolume[]; missing: boolean } {
  const volumes: PersistentVolume[] = [];
  let missing = false;
  for (const v of pod.volumes) {
    if (!v.claimName) continue;
    const claim = volumeClaimNamed(model, pod.namespace, v.claimName);
    if (!claim?.volumeName) continue;
    const pv = persistentVolumeNamed(model, claim.volumeName);
    if (pv) volumes.push(pv);
    else if ((model.persistentVolumes ?? []).length > 0 || kindRead(model, 'PersistentVolume')) missing = true;
  }
  return { volumes, missing };
}

/** The filters that need no other pod: NodeUnschedulable to VolumeBinding. Null when the node passes them. */
function nodeLocalReason(model: ClusterModel, pod: Pod, room: NodeRoom, cordoned: boolean): string | null {
  const { node } = room;
  if ((node.unschedulable || cordoned) && untoleratedTaint(pod, [UNSCHEDULABLE])) return SCHEDULER.unschedulable;
  const taint = untoleratedTaint(pod, taintsOf(node, false));
  if (taint) return taintReason(model, taint);
  if (!nodeMatchesAffinity(node, pod)) return SCHEDULER.nodeAffinity;
  if (pod.hostPorts.some((p) => room.hostPorts.has(p))) return SCHEDULER.ports;
  if (room.capacityKnown) {
    const short: string[] = [];
    if ('pods' in room.free && (room.free['pods'] ?? 0) < 1) short.push('Too many pods');
    for (const [name, amount] of Object.entries(pod.requests).sort(([a], [b]) => a.localeCompare(b))) {
      if (amount > 0 && (room.free[name] ?? 0) < amount) short.push(`Insufficient ${name}`);
    }
    if (short.length > 0) return short.join(', ');
  }
  // VolumeBinding: a bound PersistentVolume's node affinity must match the node (binder.go#L295-L315).
  const { volumes, missing } = boundVolumes(model, pod);
  if (missing) return SCHEDULER.volumeMissing;
  if (volumes.some((pv) => pv.nodeAffinity.length > 0 && !nodeMatchesAffinity(node, { nodeSelector: {}, requiredNodeAffinity: pv.nodeAffinity }))) {
    return SCHEDULER.volumeNodeAffinity;
  }
  return null;
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

const samePods = (a: Pod[], b: Pod[]): boolean => a.length === b.length && a.every((p, i) => p === b[i]);

/**
 * The rooms of one placement, made on demand: a node's room is counted from
 * its pods (O(pods there)) only when a pod is tried there, so placing k pods
 * costs about k × (nodes tried) and not nodes × pods. Rooms of nodes that are
 * not drained are shared between calls, remembered with the pods they were
 * counted from (the planner's models share most nodes' pods); placing copies
 * a room before using it up.
 */
class Rooms {
  private readonly made = new Map<Node, NodeRoom>();
  private readonly own = new Set<NodeRoom>();
  /** Workloads with replacements placed in this call → the nodes they went to. */
  private readonly placedOn = new Map<string, Set<string>>();
  private everyRoom: NodeRoom[] | null = null;
  private openNodes: readonly Node[] | null = null;

  constructor(private readonly model: ClusterModel, private readonly options: PlaceOptions) {}

  of(node: Node): NodeRoom {
    let room = this.made.get(node);
    if (room) return room;
    if (this.options.draining.has(node.name)) {
      // Pods leave only the nodes being drained; only those rooms differ from the shared ones.
      room = roomOn(this.model, node, this.options.leaving);
    } else {
      const pods = podsOnNode(this.model, node.name);
      const known = remembered(node, 'room', () => ({ pods: [] as Pod[], room: null as NodeRoom | null }));
      if (!known.room || !samePods(known.pods, pods)) {
        known.pods = pods;
        known.room = roomOn(this.model, node);
      }
      room = known.room;
    }
    this.made.set(node, room);
    return room;
  }

  /** Every node's room, in the order of the input's nodes: what the filters that look at other pods need (O(pods) once per call). */
  all(): NodeRoom[] {
    this.everyRoom ??= this.model.nodes.map((n) => this.of(n));
    return this.everyRoom.map((r) => this.made.get(r.node) ?? r);
  }

  /**
   * The nodes in the order placement tries them: fewer replicas of the pod's
   * workload first, then by name. Nodes without a replica come straight from
   * the name-ordered list; only the few that run one are sorted, so no pod
   * pays a sort of every node (O(r log r) for r nodes with replicas, then
   * O(1) per node tried).
   */
  *candidates(key: string | undefined): Generator<NodeRoom> {
    const crowded = new Map<Node, number>();
    if (key) {
      for (const name of new Set([...nodesRunningWorkload(this.model, key), ...(this.placedOn.get(key) ?? [])])) {
        for (const node of nodesCalled(this.model, name)) {
          const count = this.of(node).replicas.get(key) ?? 0;
          if (count > 0) crowded.set(node, count);
        }
      }
    }
    for (const node of this.open()) if (!crowded.has(node)) yield this.of(node);
    const position = namePositions(this.model);
    const rest = [...crowded.keys()].sort((x, y) => crowded.get(x)! - crowded.get(y)! || position.get(x)! - position.get(y)!);
    for (const node of rest) yield this.of(node);
  }

  /** The nodes in name order that may take a pod: those with a free pod slot, and the nodes being drained (pods leave them). */
  private open(): readonly Node[] {
    if (this.openNodes) return this.openNodes;
    let open = nodesWithFreePodSlot(this.model);
    const position = namePositions(this.model);
    for (const name of this.options.draining) {
      for (const node of nodesCalled(this.model, name)) {
        if (!atPodLimit(this.model, node)) continue;
        // Inserted at its place in name order (binary search, one copy).
        const at = sortedIndex(open, position.get(node)!, (n) => position.get(n)!);
        open = [...open.slice(0, at), node, ...open.slice(at)];
      }
    }
    return (this.openNodes = open);
  }

  /** Puts the pod on the room's node, using up its room. */
  place(room: NodeRoom, pod: Pod, key: string | undefined): NodeRoom {
    let mine = room;
    if (!this.own.has(room)) {
      mine = copyRoom(room);
      this.made.set(room.node, mine);
      this.own.add(mine);
    }
    take(mine.free, pod);
    for (const port of pod.hostPorts) mine.hostPorts.add(port);
    if (key) {
      mine.replicas.set(key, (mine.replicas.get(key) ?? 0) + 1);
      const nodes = this.placedOn.get(key) ?? new Set<string>();
      nodes.add(mine.node.name);
      this.placedOn.set(key, nodes);
    }
    mine.pods.push(pod);
    return mine;
  }
}

/**
 * Whether the node's `pods` allocatable is used up by the pods bound there that are not finished:
 * then it fails every pod ("Too many pods", noderesources/fit.go), so placement need not try it.
 */
function atPodLimit(model: ClusterModel, node: Node): boolean {
  const limit = node.allocatable['pods'];
  return limit !== undefined && limit - runningPodsOn(model, node.name) < 1;
}

/**
 * The nodes in name order less those at their pod limit. Once drains have filled the first nodes by name,
 * trying each of them again for every pod made placement O(nodes) per pod (a plan's placements O(nodes ×
 * pods)); this list costs O(nodes) once per pod list and node list, and a pod tries only nodes with a slot.
 */
function nodesWithFreePodSlot(model: ClusterModel): readonly Node[] {
  const byNodeList = remembered(model.pods, 'nodes with a free pod slot', () => new WeakMap<readonly Node[], readonly Node[]>());
  let open = byNodeList.get(model.nodes);
  if (!open) {
    open = nodesByName(model).filter((n) => !atPodLimit(model, n));
    byNodeList.set(model.nodes, open);
  }
  return open;
}

const copyRoom = (room: NodeRoom): NodeRoom => ({
  ...room,
  free: { ...room.free },
  hostPorts: new Set(room.hostPorts),
  replicas: new Map(room.replicas),
  pods: [...room.pods],
});

/** A nil label selector matches nothing, `{}` everything (metav1.LabelSelectorAsSelector). */
const selects = (selector: LabelSelector | undefined, labels: Record<string, string>): boolean => selector !== undefined && labelSelectorMatches(selector, labels);

/** AffinityTerm.Matches: the namespaces the term names (its pod's own by default, or by namespaceSelector) and its label selector. */
function termMatches(model: ClusterModel, term: PodAffinityTerm, owner: Pod, other: Pod): boolean {
  const inNamespace = term.namespaces.length === 0 && !term.namespaceSelector
    ? other.namespace === owner.namespace
    : term.namespaces.includes(other.namespace) ||
      (term.namespaceSelector !== undefined && labelSelectorMatches(term.namespaceSelector, namespaceNamed(model, other.namespace)?.labels ?? {}));
  return inNamespace && selects(term.labelSelector, other.labels);
}

/** The label selector with matchLabelKeys' values from the pod added (podtopologyspread/common.go). */
function spreadSelector(c: TopologySpreadConstraint, pod: Pod): LabelSelector | undefined {
  if (!c.labelSelector) return undefined;
  const extra = c.matchLabelKeys.flatMap((k) => (pod.labels[k] !== undefined ? [{ key: k, operator: 'In', values: [pod.labels[k]!] }] : []));
  return { ...c.labelSelector, matchExpressions: [...(c.labelSelector.matchExpressions ?? []), ...extra] };
}

/**
 * PodTopologySpread's Filter for DoNotSchedule constraints
 * (podtopologyspread/filtering.go#L237-L359): the domains are the nodes with every
 * constraint's topology key that pass the node inclusion policies (node affinity
 * honoured, taints ignored by default, so a cordoned node still counts as a
 * domain); a node fails when its domain's matching pods, plus the pod itself,
 * exceed the emptiest domain by more than maxSkew.
 */
function spreadReason(pod: Pod, room: NodeRoom, rooms: NodeRoom[], draining: Set<string>): string | null {
  const constraints = (pod.topologySpread ?? []).filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
  if (constraints.length === 0) return null;
  for (const c of constraints) {
    if (room.node.labels[c.topologyKey] === undefined) return SCHEDULER.spreadLabel;
  }
  const withKeys = rooms.filter((r) => constraints.every((c) => r.node.labels[c.topologyKey] !== undefined));
  for (const c of constraints) {
    const selector = spreadSelector(c, pod);
    const counts = new Map<string, number>();
    for (const r of withKeys) {
      if (c.nodeAffinityPolicy !== 'Ignore' && !nodeMatchesAffinity(r.node, pod)) continue;
      if (c.nodeTaintsPolicy === 'Honor' && untoleratedTaint(pod, taintsOf(r.node, draining.has(r.node.name)))) continue;
      const value = r.node.labels[c.topologyKey]!;
      const matching = selector ? r.pods.filter((p) => !p.deleting && p.namespace === pod.namespace && labelSelectorMatches(selector, p.labels)).length : 0;
      counts.set(value, (counts.get(value) ?? 0) + matching);
    }
    const min = counts.size < (c.minDomains ?? 1) ? 0 : Math.min(...counts.values());
    const self = selector && labelSelectorMatches(selector, pod.labels) ? 1 : 0;
    const here = counts.get(room.node.labels[c.topologyKey]!) ?? 0;
    if (counts.size > 0 && here + self - min > c.maxSkew) return SCHEDULER.spread;
  }
  return null;
}

/**
 * InterPodAffinity's Filter (interpodaffinity/filtering.go#L412-L432): the pod's required
 * affinity and its required anti-affinity, each counted over the pods in the node's
 * topology domain (the pods already there checked next, by existingAntiAffinityReason).
 */
function affinityReason(model: ClusterModel, pod: Pod, room: NodeRoom, rooms: NodeRoom[]): string | null {
  const sameDomain = (key: string): Pod[] => {
    const value = room.node.labels[key];
    return value === undefined ? [] : rooms.filter((r) => r.node.labels[key] === value).flatMap((r) => r.pods);
  };
  const affinity = pod.podAffinity ?? [];
  if (affinity.length > 0) {
    const everywhere = rooms.flatMap((r) => r.pods);
    // The first pod of a group that selects itself may go anywhere (satisfyPodAffinity).
    const first = !everywhere.some((p) => affinity.some((t) => termMatches(model, t, pod, p))) && affinity.every((t) => termMatches(model, t, pod, pod));
    if (!first && !affinity.every((t) => room.node.labels[t.topologyKey] !== undefined && sameDomain(t.topologyKey).some((p) => termMatches(model, t, pod, p)))) {
      return SCHEDULER.affinity;
    }
  }
  for (const t of pod.podAntiAffinity ?? []) {
    if (sameDomain(t.topologyKey).some((p) => p !== pod && termMatches(model, t, pod, p))) return SCHEDULER.antiAffinity;
  }
  return null;
}

/**
 * The last part of InterPodAffinity's Filter: the required anti-affinity of the pods
 * already there (existing and placed), each term over its topology domain. O(holders)
 * per node tried, holders being the few pods that carry required anti-affinity.
 */
function existingAntiAffinityReason(model: ClusterModel, pod: Pod, room: NodeRoom, holders: readonly { pod: Pod; node: Node }[]): string | null {
  for (const { pod: existing, node } of holders) {
    for (const t of existing.podAntiAffinity ?? []) {
      const value = node.labels[t.topologyKey];
      if (value !== undefined && room.node.labels[t.topologyKey] === value && termMatches(model, t, existing, pod)) return SCHEDULER.existingAntiAffinity;
    }
  }
  return null;
}

/**
 * Where each pod's replacement could run: first fit over the nodes that can
 * take it, preferring nodes holding fewer replicas of the same workload (the
 * scheduler's default topology spreading,
 * https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/#internal-default-constraints),
 * then by node name. Each placement uses up room for the next pod.
 */
export function placePods(model: ClusterModel, pods: Pod[], options: PlaceOptions): Placement {
  const rooms = new Rooms(model, options);
  const placement: Placement = { placed: [], unplaced: [] };
  const needsOthers = (pod: Pod) => (pod.topologySpread ?? []).some((c) => c.whenUnsatisfiable === 'DoNotSchedule') || (pod.podAffinity ?? []).length > 0 || (pod.podAntiAffinity ?? []).length > 0;
  // The pods whose required anti-affinity a new pod must respect: those that stay, and the replacements placed so far.
  const holders: { pod: Pod; node: Node }[] = podsWithAntiAffinity(model)
    .filter((p) => !(options.draining.has(p.nodeName!) && options.leaving.has(podKey(p))))
    .flatMap((p) => nodesCalled(model, p.nodeName!).map((node) => ({ pod: p, node })));
  const anyAntiAffinity = () => holders.length > 0;
  for (const pod of pods) {
    const key = workloadKeyOf(pod);
    let chosen: NodeRoom | undefined;
    const reasons = new Map<Node, string>();
    const others = needsOthers(pod);
    const reasonAt = (room: NodeRoom): string | null =>
      nodeLocalReason(model, pod, room, options.draining.has(room.node.name)) ??
      (others ? spreadReason(pod, room, rooms.all(), options.draining) : null) ??
      (others ? affinityReason(model, pod, room, rooms.all()) : null) ??
      (anyAntiAffinity() ? existingAntiAffinityReason(model, pod, room, holders) : null);
    for (const room of rooms.candidates(key)) {
      const reason = reasonAt(room);
      if (reason === null) {
        chosen = room;
        break;
      }
      reasons.set(room.node, reason);
    }
    if (chosen === undefined) {
      // The scheduler's message counts every node's reason, those at their pod limit (not tried above) included.
      const nodes = model.nodes.map((node) => ({ node: node.name, reason: reasons.get(node) ?? reasonAt(rooms.of(node)) ?? '' }));
      placement.unplaced.push({ pod, message: fitErrorMessage(nodes.length, nodes.map((n) => n.reason)), nodes });
      continue;
    }
    const room = rooms.place(chosen, pod, key);
    if ((pod.podAntiAffinity ?? []).length > 0) holders.push({ pod, node: room.node });
    placement.placed.push({ pod, node: room.node.name, capacityChecked: room.capacityKnown });
  }
  return placement;
}
