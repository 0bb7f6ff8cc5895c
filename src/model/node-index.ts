import type { Node } from './types.js';

/**
 * The views of one node list: nodes by name (the first object read wins, as
 * a linear search would find it), every object of a name, the nodes in name
 * order and each node's place in it. Each is built on first use (the order
 * is one sort, O(N log N)).
 *
 * The planner cordons and uncordons a node at every turn, which makes a new
 * node list with one node object replaced; sorting every node again for each
 * of those lists made a plan O(turns × N log N). A list derived with
 * `carry` takes over its parent's views and swaps the one node in them
 * (O(1) for the maps, one memory copy for the order); the parent, should it
 * be asked again, builds its own afresh. Lists handed out are never changed.
 */
export class NodeIndex {
  private byNameView: Map<string, Node> | null = null;
  private sameNameView: Map<string, readonly Node[]> | null = null;
  private orderView: readonly Node[] | null = null;
  private placesView: Map<Node, number> | null = null;
  private arrayView: Map<Node, number> | null = null;
  private namesView: readonly string[] | null = null;

  constructor(readonly nodes: readonly Node[], from?: NodeIndex) {
    if (!from) return;
    this.byNameView = from.byNameView;
    this.sameNameView = from.sameNameView;
    this.orderView = from.orderView;
    this.placesView = from.placesView;
    this.arrayView = from.arrayView;
    this.namesView = from.namesView;
  }

  /** Each node name once, in the order the list first has it (a cordon changes no name). */
  names(): readonly string[] {
    return (this.namesView ??= [...new Set(this.nodes.map((n) => n.name))]);
  }

  byName(): ReadonlyMap<string, Node> {
    if (!this.byNameView) {
      this.byNameView = new Map();
      for (const node of this.nodes) if (!this.byNameView.has(node.name)) this.byNameView.set(node.name, node);
    }
    return this.byNameView;
  }

  /** Every node object of that name, in the list's order (two files may hold the same node). */
  called(name: string): readonly Node[] {
    if (!this.sameNameView) {
      const building = new Map<string, Node[]>();
      for (const node of this.nodes) {
        const list = building.get(node.name);
        if (list) list.push(node);
        else building.set(node.name, [node]);
      }
      this.sameNameView = new Map(building);
    }
    return this.sameNameView.get(name) ?? [];
  }

  /** The nodes in name order (a stable sort: objects of one name keep the list's order). */
  inNameOrder(): readonly Node[] {
    return (this.orderView ??= [...this.nodes].sort((a, b) => a.name.localeCompare(b.name)));
  }

  /** Each node's place in name order. */
  places(): ReadonlyMap<Node, number> {
    return (this.placesView ??= new Map(this.inNameOrder().map((n, i) => [n, i])));
  }

  private arrayPlaces(): Map<Node, number> {
    if (!this.arrayView) {
      this.arrayView = new Map();
      this.nodes.forEach((n, i) => this.arrayView!.set(n, i));
    }
    return this.arrayView;
  }

  /**
   * The node list with `old` replaced by `next` (same name), and this index's
   * views moved to it; this index is spent. O(1) per view and one copy of
   * the list and of the name order.
   */
  carry(old: Node, next: Node): { nodes: Node[]; index: NodeIndex } {
    const at = this.arrayPlaces().get(old);
    const nodes = this.nodes.slice();
    if (at === undefined) return { nodes, index: new NodeIndex(nodes) };
    nodes[at] = next;
    // Renamed (not what the planner does): indexed afresh.
    if (next.name !== old.name) return { nodes, index: new NodeIndex(nodes) };
    this.arrayView!.delete(old);
    this.arrayView!.set(next, at);
    if (this.byNameView?.get(old.name) === old) this.byNameView.set(old.name, next);
    const same = this.sameNameView?.get(old.name);
    if (same) this.sameNameView!.set(old.name, same.map((n) => (n === old ? next : n)));
    if (this.orderView) {
      const place = this.places().get(old)!;
      const order = this.orderView.slice();
      order[place] = next;
      this.orderView = order;
      this.placesView!.delete(old);
      this.placesView!.set(next, place);
    }
    const index = new NodeIndex(nodes, this);
    this.byNameView = this.sameNameView = this.orderView = this.placesView = this.arrayView = null;
    this.namesView = null;
    return { nodes, index };
  }
}
