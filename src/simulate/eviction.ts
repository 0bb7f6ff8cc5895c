import type { ClusterModel, Pod, PodDisruptionBudget } from '../model/types.js';
import { pdbsOfPod } from '../model/walks.js';
import { KUBECTL } from './drain-filters.js';

/** What the Eviction API answers for one pod (pkg/registry/core/pod/storage/eviction.go). */
export type EvictionAnswer =
  | { result: 'allowed'; note?: string }
  /** 429 now, but it will pass once earlier replacements are Ready: drain retries every 5 s. */
  | { result: 'retried'; pdb: PodDisruptionBudget; message: string }
  | { result: 'refused'; code: 429 | 500; pdbs: PodDisruptionBudget[]; message: string };

/**
 * Pods that are Pending, finished or already deleting are evicted without
 * looking at PodDisruptionBudgets (`canIgnorePDB`).
 * https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/
 */
function ignoresPdbs(pod: Pod): string | null {
  if (pod.deleting) return 'already terminating: PodDisruptionBudgets do not apply';
  if (pod.phase === 'Pending' || pod.phase === 'Succeeded' || pod.phase === 'Failed') return `${pod.phase}: PodDisruptionBudgets do not apply`;
  return null;
}

const describePdb = (pdb: PodDisruptionBudget): string => `PodDisruptionBudget ${pdb.namespace}/${pdb.name}`;

/**
 * Eviction of several pods in turn: each allowed eviction uses up one of its
 * PDB's disruptions until the replacement is Ready again.
 */
export class EvictionBudget {
  private used = new Map<string, number>();

  constructor(private readonly model: ClusterModel) {}

  evict(pod: Pod): EvictionAnswer {
    const ignored = ignoresPdbs(pod);
    if (ignored) return { result: 'allowed', note: ignored };
    const pdbs = pdbsOfPod(this.model, pod);
    if (pdbs.length === 0) return { result: 'allowed' };
    if (pdbs.length > 1) return { result: 'refused', code: 500, pdbs, message: KUBECTL.multiplePdbs };
    const pdb = pdbs[0]!;
    if (!pod.ready) {
      // A pod that is not Ready does not count as healthy; it may go when the budget is met (or always, by policy).
      if (pdb.unhealthyPodEvictionPolicy === 'AlwaysAllow') return { result: 'allowed', note: `not Ready; ${describePdb(pdb)} has unhealthyPodEvictionPolicy: AlwaysAllow` };
      const current = pdb.currentHealthy ?? 0;
      const desired = pdb.desiredHealthy ?? 0;
      if (desired > 0 && current >= desired) return { result: 'allowed', note: `not Ready, and ${describePdb(pdb)} has its ${desired} healthy pod${desired === 1 ? '' : 's'}` };
    }
    if (pdb.allowedDisruptions === null || pdb.allowedDisruptions === undefined) {
      return { result: 'allowed', note: `${describePdb(pdb)}: disruptions allowed unknown (no status, no pods counted)` };
    }
    const key = `${pdb.namespace}/${pdb.name}`;
    const used = this.used.get(key) ?? 0;
    if (used < pdb.allowedDisruptions) {
      this.used.set(key, used + 1);
      return { result: 'allowed' };
    }
    if (pdb.allowedDisruptions > 0) {
      return { result: 'retried', pdb, message: KUBECTL.pdbRefused };
    }
    return { result: 'refused', code: 429, pdbs: [pdb], message: KUBECTL.pdbRefused };
  }
}
