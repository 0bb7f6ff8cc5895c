import type { Finding, RuleMeta } from '../engine/types.js';
import type { ClusterModel, ObjectRef } from '../model/types.js';

type DrainState = 'blocked' | 'attention' | 'ready';

export interface NodeDrainReadiness {
  node: string;
  controlPlane: boolean;
  cordoned: boolean;
  /** blocked: an error-level drain finding; attention: warnings or info; ready: none. */
  state: DrainState;
  findings: Finding[];
}

export interface DrainReadiness {
  nodes: NodeDrainReadiness[];
  /** Drain findings that cannot be put on one node (a workload whose pods are not in the scan). */
  unplaced: Finding[];
}

/** Drain rules: the `drain` category, or a `drain-` id for rules the context does not list. */
function isDrainFinding(finding: Finding, rules: Map<string, RuleMeta<unknown>>): boolean {
  const category = rules.get(finding.ruleId)?.category;
  return category !== undefined ? category === 'drain' : finding.ruleId.startsWith('drain-');
}

const key = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

/**
 * The nodes a drain finding is about: the node itself, the node of the pod,
 * the nodes of the pods a PodDisruptionBudget selects, or of the pods a
 * workload controls.
 */
function nodesOf(object: ObjectRef | null, model: ClusterModel): string[] {
  if (!object) return [];
  if (object.kind === 'Node') return [object.name];
  const podNode = new Map(model.pods.map((p) => [key(p.namespace, p.name), p.nodeName]));
  const podNodes = (pods: string[]): string[] => pods.map((p) => podNode.get(p)).filter((n): n is string => n !== undefined);
  if (object.kind === 'Pod') return podNodes([key(object.namespace, object.name)]);
  if (object.kind === 'PodDisruptionBudget') {
    const pdb = model.pdbs.find((p) => p.namespace === object.namespace && p.name === object.name);
    return podNodes((pdb?.selectedPods ?? []).map((p) => (p.includes('/') ? p : key(object.namespace, p))));
  }
  const controlled = model.pods.filter(
    (p) =>
      p.namespace === object.namespace &&
      [p.controller, p.topController].some((c) => c?.kind === object.kind && c.name === object.name),
  );
  return controlled.map((p) => p.nodeName).filter((n): n is string => n !== undefined);
}

/** Per node: what stands in the way of `kubectl drain`, from the drain rules' findings. */
export function drainReadiness(findings: readonly Finding[], rules: readonly RuleMeta<unknown>[], model: ClusterModel): DrainReadiness {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const drainFindings = findings.filter((f) => !f.suppressed && isDrainFinding(f, byId));
  const perNode = new Map(model.nodes.map((n) => [n.name, [] as Finding[]]));
  const unplaced: Finding[] = [];
  for (const finding of drainFindings) {
    const nodes = [...new Set(nodesOf(finding.object, model))].filter((n) => perNode.has(n));
    if (nodes.length === 0) unplaced.push(finding);
    for (const node of nodes) perNode.get(node)!.push(finding);
  }
  return {
    nodes: model.nodes.map((node) => {
      const list = perNode.get(node.name) ?? [];
      const state: DrainState = list.some((f) => f.severity === 'error') ? 'blocked' : list.length > 0 ? 'attention' : 'ready';
      return { node: node.name, controlPlane: node.controlPlane, cordoned: node.unschedulable, state, findings: list };
    }),
    unplaced,
  };
}
