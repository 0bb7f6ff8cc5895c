import type { ClusterModel, Pod, PodDisruptionBudget } from '../model/types.js';
import { pdbsOfPod } from '../model/cluster-index.js';
import { KUBECTL } from './drain-filters.js';

/**
 * The Eviction API as kube-apiserver v1.35.4 answers it: NamespaceLifecycle
 * admission first, then the eviction registry
 * (https://github.com/kubernetes/kubernetes/blob/v1.35.4/pkg/registry/core/pod/storage/eviction.go).
 */

type RefusalReason = 'budget' | 'stale-budget' | 'multiple-budgets' | 'negative-budget' | 'terminating-namespace';

export type EvictionAnswer =
  | { result: 'allowed'; pdb: PodDisruptionBudget | null; note?: string }
  /** 429 now, passing once the replacement of a pod this drain already evicted is Ready: drain retries every 5 s. */
  | { result: 'retried'; pdb: PodDisruptionBudget; message: string }
  | {
      result: 'refused';
      code: 403 | 429 | 500;
      reason: RefusalReason;
      pdbs: PodDisruptionBudget[];
      message: string;
      /** kubectl asks again every 5 s (429, and 403 from a terminating namespace) instead of failing the drain. */
      retried: boolean;
      /** How long one eviction call takes before kubectl sees the answer: client-go follows Retry-After itself. */
      callSeconds: number;
    }
  /** The budget's state cannot be told from the input. */
  | { result: 'unknown'; pdb: PodDisruptionBudget; note: string };

/**
 * client-go retries an answer carrying Retry-After up to 10 times inside one call
 * (rest.Request maxRetries 10, with_retry.go checkWait: 429 and 5xx), sleeping the
 * seconds it names: https://github.com/kubernetes/client-go/blob/v0.35.4/rest/with_retry.go#L309-L319
 */
const CLIENT_GO_RETRIES = 10;
/** createTooManyRequestsError's Retry-After (eviction.go#L413-L421). */
const STALE_BUDGET_RETRY_AFTER = 10;

/**
 * Pods that are Pending, finished or already deleting are evicted without
 * looking at PodDisruptionBudgets (canIgnorePDB, eviction.go#L389-L397).
 */
function ignoresPdbs(pod: Pod): string | null {
  if (pod.deleting) return 'already terminating: PodDisruptionBudgets do not apply';
  if (pod.phase === 'Pending' || pod.phase === 'Succeeded' || pod.phase === 'Failed') return `${pod.phase}: PodDisruptionBudgets do not apply`;
  return null;
}

const describePdb = (pdb: PodDisruptionBudget): string => `PodDisruptionBudget ${pdb.namespace}/${pdb.name}`;

/** The PDB has a generation the disruption controller has not processed (never, when it has no status). */
function staleBudget(pdb: PodDisruptionBudget): boolean {
  return pdb.generation !== undefined && (pdb.observedGeneration ?? 0) < pdb.generation;
}

export function namespaceTerminating(model: ClusterModel, namespace: string): boolean {
  return (model.namespaces ?? []).some((n) => n.name === namespace && n.terminating);
}

/** NamespaceLifecycle's refusal of a create in a terminating namespace (admission.go#L168-L183 in k8s.io/apiserver v0.35.4). */
function terminatingNamespaceMessage(pod: Pod): string {
  return `pods "${pod.name}" is forbidden: unable to create new content in namespace ${pod.namespace} because it is being terminated`;
}

/**
 * Eviction of several pods in turn. Each eviction the API server accepts takes one
 * disruption from its PDB's status (checkAndDecrement, eviction.go#L423-L480) until the
 * disruption controller counts the replacement as healthy again; a server-side dry
 * run returns before that update (eviction.go#L465-L468), so it never uses a budget up.
 */
export class EvictionBudget {
  private used = new Map<string, number>();

  constructor(private readonly model: ClusterModel, private readonly dryRun = false) {}

  evict(pod: Pod): EvictionAnswer {
    // Admission runs before the registry: a terminating namespace refuses every create, evictions included.
    if (namespaceTerminating(this.model, pod.namespace)) {
      return { result: 'refused', code: 403, reason: 'terminating-namespace', pdbs: [], message: terminatingNamespaceMessage(pod), retried: true, callSeconds: 0 };
    }
    const ignored = ignoresPdbs(pod);
    if (ignored) return { result: 'allowed', pdb: null, note: ignored };
    const pdbs = pdbsOfPod(this.model, pod);
    if (pdbs.length === 0) return { result: 'allowed', pdb: null };
    // eviction.go#L223-L230: a Status with code 500 and no Retry-After; kubectl fails the pod.
    if (pdbs.length > 1) return { result: 'refused', code: 500, reason: 'multiple-budgets', pdbs, message: KUBECTL.multiplePdbs, retried: false, callSeconds: 0 };
    const pdb = pdbs[0]!;
    if (!pod.ready) {
      // eviction.go#L238-L254: an unhealthy pod goes without using the budget when the policy
      // is AlwaysAllow, or when the budget is met (IfHealthyBudget, the default).
      if (pdb.unhealthyPodEvictionPolicy === 'AlwaysAllow') return { result: 'allowed', pdb, note: `not Ready; ${describePdb(pdb)} has unhealthyPodEvictionPolicy: AlwaysAllow` };
      const current = pdb.currentHealthy ?? 0;
      const desired = pdb.desiredHealthy ?? 0;
      if (desired > 0 && current >= desired) return { result: 'allowed', pdb, note: `not Ready, and ${describePdb(pdb)} has its ${desired} healthy pod${desired === 1 ? '' : 's'}` };
    }
    if (staleBudget(pdb)) {
      return {
        result: 'refused',
        code: 429,
        reason: 'stale-budget',
        pdbs: [pdb],
        message: KUBECTL.pdbRefused,
        retried: true,
        callSeconds: CLIENT_GO_RETRIES * STALE_BUDGET_RETRY_AFTER,
      };
    }
    if (pdb.allowedDisruptions === null || pdb.allowedDisruptions === undefined) {
      return { result: 'unknown', pdb, note: `${describePdb(pdb)}: disruptions allowed unknown (no status, and its pods do not say)` };
    }
    if (pdb.allowedDisruptions < 0) {
      const message = `poddisruptionbudget.policy "${pdb.name}" is forbidden: pdb disruptions allowed is negative`;
      return { result: 'refused', code: 403, reason: 'negative-budget', pdbs: [pdb], message, retried: false, callSeconds: 0 };
    }
    const key = `${pdb.namespace}/${pdb.name}`;
    const used = this.used.get(key) ?? 0;
    if (used < pdb.allowedDisruptions) {
      if (!this.dryRun) this.used.set(key, used + 1);
      return { result: 'allowed', pdb };
    }
    if (pdb.allowedDisruptions > 0) return { result: 'retried', pdb, message: KUBECTL.pdbRefused };
    return { result: 'refused', code: 429, reason: 'budget', pdbs: [pdb], message: KUBECTL.pdbRefused, retried: true, callSeconds: 0 };
  }
}
