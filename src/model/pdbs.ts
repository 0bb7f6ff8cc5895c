import type { RawObject } from '../sources/types.js';
import type { Pod, PodDisruptionBudget, Workload } from './types.js';
import { field, stringField } from './fields.js';
import { subjectOf } from './subject.js';
import { readLabelSelector } from './workloads.js';
import { pdbSelectsPod, podKey } from './walks.js';
import { eachObject, type Rejections } from './admit.js';
import { isPdb } from './kinds.js';
import { groupBy } from './cluster-index.js';

function intOrPercent(value: unknown): number | string | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return /^\d+$/.test(value) ? Number(value) : value;
  return undefined;
}

/** intstr.GetScaledValueFromIntOrPercent with roundUp, as the disruption controller calls it. */
function scaled(value: number | string, total: number): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  return m ? Math.ceil((Number(m[1]) * total) / 100) : Number.NaN;
}

const SCALED_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

/**
 * The disruption controller's expected pod count: the scale of each distinct
 * controller of the selected pods (a ReplicaSet's Deployment counts once).
 * Pods without a controller are left out. Falls back to the number of pods
 * when a controller's scale was not read.
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/disruption/disruption.go
 */
function expectedScale(pods: Pod[], workloads: ReadonlyMap<string, Workload>): number {
  const seen = new Map<string, number | undefined>();
  for (const pod of pods) {
    const top = pod.topController ?? pod.controller;
    if (!top) continue;
    const key = `${top.kind}/${top.name}`;
    if (seen.has(key)) continue;
    const workload = workloads.get(`${pod.namespace}/${top.kind}/${top.name}`);
    seen.set(key, SCALED_KINDS.has(top.kind) ? workload?.replicas : undefined);
  }
  const scales = [...seen.values()];
  if (scales.length === 0 || scales.some((s) => s === undefined)) return pods.filter((p) => p.controller).length || pods.length;
  return scales.reduce<number>((a, b) => a + (b ?? 0), 0);
}

/** Replicas of the workloads whose pod template the PDB selects (top-level ones only), for manifests without pods. */
function templateReplicas(pdb: PodDisruptionBudget, workloads: Workload[]): number | null {
  const matched = workloads.filter(
    (w) => w.podLabels && w.replicas !== undefined && SCALED_KINDS.has(w.kind) && pdbSelectsPod(pdb, { namespace: w.namespace, labels: w.podLabels }),
  );
  const top = matched.filter((w) => !(w.controller && matched.some((m) => m.kind === w.controller!.kind && m.name === w.controller!.name)));
  return top.length > 0 ? top.reduce((sum, w) => sum + (w.replicas ?? 0), 0) : null;
}

interface Health {
  expected: number;
  desired: number;
}

function desiredHealthy(pdb: PodDisruptionBudget, pods: Pod[], expectedWhenScaled: number): Health | null {
  if (pdb.maxUnavailable !== undefined) {
    const unavailable = scaled(pdb.maxUnavailable, expectedWhenScaled);
    if (Number.isNaN(unavailable)) return null;
    return { expected: expectedWhenScaled, desired: Math.max(0, expectedWhenScaled - unavailable) };
  }
  if (pdb.minAvailable !== undefined) {
    if (typeof pdb.minAvailable === 'number') return { expected: pods.length, desired: pdb.minAvailable };
    const min = scaled(pdb.minAvailable, expectedWhenScaled);
    return Number.isNaN(min) ? null : { expected: expectedWhenScaled, desired: min };
  }
  return null;
}

/** Why the spec alone refuses every eviction, given the replicas it guards (null: unknown or it does not). */
function blockingSpec(pdb: PodDisruptionBudget, replicas: number | null): string | null {
  const { maxUnavailable, minAvailable } = pdb;
  if (maxUnavailable === 0 || maxUnavailable === '0%') return `maxUnavailable: ${maxUnavailable}`;
  if (minAvailable === '100%') return 'minAvailable: 100%';
  if (typeof minAvailable === 'number' && replicas !== null && replicas > 0 && minAvailable >= replicas) {
    return `minAvailable: ${minAvailable} with ${replicas} replica${replicas === 1 ? '' : 's'}`;
  }
  return null;
}

function readPdb(raw: RawObject, pods: Pod[], workloads: Workload[], workloadByKey: ReadonlyMap<string, Workload>): PodDisruptionBudget {
  const o = raw.object;
  const selector = readLabelSelector(field(o, 'spec', 'selector'));
  const minAvailable = intOrPercent(field(o, 'spec', 'minAvailable'));
  const maxUnavailable = intOrPercent(field(o, 'spec', 'maxUnavailable'));
  const status = (name: string): number | undefined => {
    const value = field(o, 'status', name);
    return typeof value === 'number' ? value : undefined;
  };
  const policy = stringField(o, 'spec', 'unhealthyPodEvictionPolicy');
  const pdb: PodDisruptionBudget = {
    namespace: o.metadata?.namespace ?? 'default',
    name: o.metadata?.name ?? '(unnamed)',
    ...(selector ? { selector } : {}),
    ...(minAvailable !== undefined ? { minAvailable } : {}),
    ...(maxUnavailable !== undefined ? { maxUnavailable } : {}),
    ...(status('disruptionsAllowed') !== undefined ? { disruptionsAllowed: status('disruptionsAllowed') } : {}),
    ...(policy ? { unhealthyPodEvictionPolicy: policy } : {}),
    ...(typeof o.metadata?.generation === 'number' ? { generation: o.metadata.generation } : {}),
    ...(status('observedGeneration') !== undefined ? { observedGeneration: status('observedGeneration') } : {}),
    subject: subjectOf(raw),
  };

  // The controller only counts pods that are not finished.
  const selected = pods.filter((p) => pdbSelectsPod(pdb, p));
  const live = selected.filter((p) => p.phase !== 'Succeeded' && p.phase !== 'Failed');
  pdb.selectedPods = selected.map(podKey);

  const replicas = live.length > 0 ? expectedScale(live, workloadByKey) : templateReplicas(pdb, workloads);
  pdb.blocksEveryEviction = blockingSpec(pdb, replicas);

  const healthy = live.filter((p) => p.ready && !p.deleting).length;
  const computed = live.length > 0 && replicas !== null ? desiredHealthy(pdb, live, replicas) : null;
  if (pdb.disruptionsAllowed !== undefined) {
    pdb.allowedDisruptions = pdb.disruptionsAllowed;
    pdb.currentHealthy = status('currentHealthy') ?? healthy;
    pdb.desiredHealthy = status('desiredHealthy') ?? computed?.desired ?? 0;
  } else if (computed) {
    pdb.currentHealthy = healthy;
    pdb.desiredHealthy = computed.desired;
    pdb.allowedDisruptions = computed.expected > 0 ? Math.max(0, healthy - computed.desired) : 0;
  } else {
    pdb.allowedDisruptions = null;
  }
  return pdb;
}

/** PodDisruptionBudgets (policy/v1 and policy/v1beta1) with the pods they select and what they allow now. */
export function readPdbs(raws: RawObject[], pods: Pod[], workloads: Workload[], rejections?: Rejections): PodDisruptionBudget[] {
  // A budget selects pods (and templates) of its own namespace only: each one looks at those, O(pods in the namespace) per budget.
  const podsIn = groupBy(pods, (p) => p.namespace);
  const workloadsIn = groupBy(workloads, (w) => w.namespace);
  const workloadByKey = new Map<string, Workload>();
  for (const w of workloads) {
    const key = `${w.namespace}/${w.kind}/${w.name}`;
    if (!workloadByKey.has(key)) workloadByKey.set(key, w);
  }
  return eachObject(
    raws.filter(isPdb),
    (raw) => {
      const namespace = raw.object.metadata?.namespace ?? 'default';
      return [readPdb(raw, podsIn.get(namespace) ?? [], workloadsIn.get(namespace) ?? [], workloadByKey)];
    },
    rejections,
  );
}
