import type { ClusterModel, DrainFlags, Pod } from '../model/types.js';
import { isFinished } from '../model/walks.js';
import { controllerPresence, podsOnNode } from '../model/cluster-index.js';
import { parseLabelSelector, selectorMatches } from './label-selector.js';

/**
 * kubectl's drain filters and their messages, as kubectl v1.35.4 has them
 * (k8s.io/kubectl v0.35.4, pkg/drain/filters.go):
 * https://github.com/kubernetes/kubectl/blob/v0.35.4/pkg/drain/filters.go#L31-L38
 */
export const KUBECTL = {
  daemonSetFatal: 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)',
  daemonSetWarning: 'ignoring DaemonSet-managed Pods',
  localStorageFatal: 'Pods with local storage (use --delete-emptydir-data to override)',
  localStorageWarning: 'deleting Pods with local storage',
  // kubectl 1.30+ words it with its own "cannot delete", and then prefixes "cannot delete " again when it prints it.
  unmanagedFatal: 'cannot delete Pods that declare no controller (use --force to override)',
  unmanagedWarning: 'deleting Pods that declare no controller',
  pdbRefused: "Cannot evict pod as it would violate the pod's disruption budget.",
  multiplePdbs: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
} as const;

/** No drain flag: what a plain `kubectl drain NODE` does. */
export const NO_FLAGS: DrainFlags = { ignoreDaemonsets: false, deleteEmptydirData: false, force: false, disableEviction: false };

/** Every filter flag on: what each pod meets once the operator has given drain the flags it asks for. */
export const PERMISSIVE_FLAGS: DrainFlags = { ignoreDaemonsets: true, deleteEmptydirData: true, force: true, disableEviction: false };

type DrainFilter = 'skipDeleted' | 'daemonSet' | 'mirror' | 'localStorage' | 'unreplicated';

/** One filter's answer, as kubectl's PodDeleteStatus: Okay, Skip, Warning or Error. */
interface FilterStatus {
  filter: DrainFilter;
  type: 'Okay' | 'Skip' | 'Warning' | 'Error';
  delete: boolean;
  message: string;
}

/** What drain's filters decide for one pod, before any eviction is tried. */
export interface FilterVerdict {
  /** The status kubectl keeps: the last filter that ran (a warning is overwritten by a later Okay). */
  final: FilterStatus;
  /** Every status that was not Okay, in filter order: the reasons in kubectl's words. */
  notes: FilterStatus[];
  /** Whether nothing recreates the pod once deleted (no controller, or its DaemonSet is gone). */
  lostForGood: boolean;
  /** Whether its emptyDir volumes are deleted with it. */
  losesEmptyDir: boolean;
  /**
   * Set when the verdict rests on something the input does not show (a DaemonSet that was not read):
   * what was assumed, and whether the other possibility would refuse the pod where this one does not (or the reverse).
   */
  assumed: { what: string; otherRefuses: boolean } | null;
}

/** hasLocalStorage: an emptyDir volume, whatever its medium; hostPath and generic ephemeral volumes are not local storage to drain (filters.go#L164-L172). */
const hasEmptyDir = (pod: Pod): boolean => pod.volumes.some((v) => v.type === 'emptyDir');

/**
 * isControllerRefDaemonSet (filters.go#L174-L178): the controller reference must say
 * `apiVersion: apps/v1` and `kind: DaemonSet`; a DaemonSet of another group (apps.kruise.io,
 * the long-removed extensions/v1beta1) is an ordinary controller to drain.
 */
export function isDaemonSetPod(pod: Pod): boolean {
  return pod.controller?.kind === 'DaemonSet' && pod.controller.apiVersion === 'apps/v1';
}

type Status = (type: FilterStatus['type'], del: boolean, message?: string) => FilterStatus;
const statusOf = (filter: DrainFilter): Status => (type, del, message = '') => ({ filter, type, delete: del, message });

/** Seconds between the pod's deletionTimestamp and the capture; null when it is not being deleted. */
export function secondsSinceDeletion(model: ClusterModel, pod: Pod): number | null {
  if (!pod.deletionTimestamp) return null;
  const at = Date.parse(pod.deletionTimestamp);
  return Number.isNaN(at) ? null : Math.floor((model.capturedAt.getTime() - at) / 1000);
}

/**
 * skipDeletedFilter and shouldSkipPod (filters.go#L253-L264): with --skip-wait-for-delete-timeout=N > 0,
 * a pod whose deletionTimestamp is more than N seconds old is left alone.
 */
function skipDeletedFilter(model: ClusterModel, pod: Pod, flags: DrainFlags): FilterStatus {
  const status = statusOf('skipDeleted');
  const n = flags.skipWaitForDeleteTimeoutSeconds ?? 0;
  const since = secondsSinceDeletion(model, pod);
  if (n > 0 && since !== null && since > n) return status('Skip', false, `deletionTimestamp ${since}s old, past --skip-wait-for-delete-timeout=${n}: drain leaves it`);
  return status('Okay', true);
}

/**
 * daemonSetFilter (filters.go#L180-L210). The DaemonSet is fetched by name in the pod's
 * namespace through the apps/v1 API (filters.go#L196); its uid is not compared.
 */
function daemonSetFilter(model: ClusterModel, pod: Pod, flags: DrainFlags): { status: FilterStatus; assumed: FilterVerdict['assumed'] } {
  const status = statusOf('daemonSet');
  if (!isDaemonSetPod(pod) || isFinished(pod)) return { status: status('Okay', true), assumed: null };
  const name = pod.controller!.name;
  // The Get fails with NotFound; kubectl passes that error text on.
  const notFound = `daemonsets.apps "${name}" not found`;
  const missing = flags.force ? status('Warning', true, notFound) : status('Error', false, notFound);
  const present = flags.ignoreDaemonsets ? status('Warning', false, KUBECTL.daemonSetWarning) : status('Error', false, KUBECTL.daemonSetFatal);
  const presence = controllerPresence(model, pod);
  if (presence === 'missing') return { status: missing, assumed: null };
  if (presence === 'present') return { status: present, assumed: null };
  return {
    status: present,
    assumed: { what: `DaemonSet ${pod.namespace}/${name} exists (no DaemonSet was read)`, otherRefuses: (missing.type === 'Error') !== (present.type === 'Error') },
  };
}

/** mirrorPodFilter (filters.go#L212-L217): static pods' mirrors cannot be deleted through the API. */
function mirrorFilter(pod: Pod): FilterStatus {
  return statusOf('mirror')(pod.mirror ? 'Skip' : 'Okay', !pod.mirror);
}

/** localStorageFilter (filters.go#L219-L235). */
function localStorageFilter(pod: Pod, flags: DrainFlags): FilterStatus {
  const status = statusOf('localStorage');
  if (!hasEmptyDir(pod) || isFinished(pod)) return status('Okay', true);
  return flags.deleteEmptydirData ? status('Warning', true, KUBECTL.localStorageWarning) : status('Error', false, KUBECTL.localStorageFatal);
}

/** unreplicatedFilter (filters.go#L237-L251): any controller reference will do, whatever its kind or group. */
function unreplicatedFilter(pod: Pod, flags: DrainFlags): FilterStatus {
  const status = statusOf('unreplicated');
  if (isFinished(pod) || pod.controller) return status('Okay', true);
  return flags.force ? status('Warning', true, KUBECTL.unmanagedWarning) : status('Error', false, KUBECTL.unmanagedFatal);
}

/**
 * Runs kubectl's filters in kubectl's order (skipDeleted, daemonSet, mirror,
 * localStorage, unreplicated: `makeFilters`, filters.go#L153-L162). A filter
 * that does not delete the pod stops the chain (filterPods, drain.go#L219-L244).
 */
export function drainFilter(model: ClusterModel, pod: Pod, flags: DrainFlags): FilterVerdict {
  let assumed: FilterVerdict['assumed'] = null;
  const filters = [
    () => skipDeletedFilter(model, pod, flags),
    () => {
      const d = daemonSetFilter(model, pod, flags);
      assumed = d.assumed;
      return d.status;
    },
    () => mirrorFilter(pod),
    () => localStorageFilter(pod, flags),
    () => unreplicatedFilter(pod, flags),
  ];
  const notes: FilterStatus[] = [];
  let final: FilterStatus | undefined;
  for (const run of filters) {
    final = run();
    if (final.type !== 'Okay') notes.push(final);
    if (!final.delete) break;
  }
  const deleted = final!.delete;
  return {
    final: final!,
    notes,
    lostForGood: deleted && notes.some((n) => n.type === 'Warning' && (n.filter === 'unreplicated' || n.filter === 'daemonSet')),
    losesEmptyDir: deleted && notes.some((n) => n.filter === 'localStorage'),
    assumed,
  };
}

/** kubectl's own answer to a --pod-selector it cannot parse (pkg/cmd/drain/drain.go#L263-L267). */
export const POD_SELECTOR_INVALID = '--pod-selector=<pod_selector> must be a valid label selector';

/**
 * The pods drain lists on the node: `spec.nodeName=NODE`, and the --pod-selector labels when
 * given (GetPodsForDeletion, https://github.com/kubernetes/kubectl/blob/v0.35.4/pkg/drain/drain.go#L184-L217).
 * Pods outside the selector are not listed, so no filter refuses them and nothing evicts them.
 */
export function podsDrainLists(model: ClusterModel, nodeName: string, flags: DrainFlags): Pod[] {
  const pods = podsOnNode(model, nodeName);
  if (!flags.podSelector) return pods;
  const parsed = parseLabelSelector(flags.podSelector);
  if (!parsed.ok) throw new Error(`${POD_SELECTOR_INVALID}: ${parsed.error}`);
  return pods.filter((p) => selectorMatches(parsed.requirements, p.labels));
}
