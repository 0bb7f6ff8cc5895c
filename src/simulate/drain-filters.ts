import type { ClusterModel, DrainFlags, Pod } from '../model/types.js';
import { controllerPresence, isFinished } from '../model/walks.js';

/**
 * kubectl's drain filters and their messages (k8s.io/kubectl/pkg/drain/filters.go):
 * https://github.com/kubernetes/kubectl/blob/master/pkg/drain/filters.go
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

export type DrainFilter = 'daemonSet' | 'mirror' | 'localStorage' | 'unreplicated';

/** One filter's answer, as kubectl's PodDeleteStatus: Okay, Skip, Warning or Error. */
export interface FilterStatus {
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
}

export const hasEmptyDir = (pod: Pod): boolean => pod.volumes.some((v) => v.type === 'emptyDir');

function daemonSetFilter(model: ClusterModel, pod: Pod, flags: DrainFlags): FilterStatus {
  const status = (type: FilterStatus['type'], del: boolean, message = ''): FilterStatus => ({ filter: 'daemonSet', type, delete: del, message });
  if (pod.controller?.kind !== 'DaemonSet' || isFinished(pod)) return status('Okay', true);
  if (controllerPresence(model, pod) === 'missing') {
    // The Get of the DaemonSet fails with NotFound; kubectl passes that error text on.
    const notFound = `daemonsets.apps "${pod.controller.name}" not found`;
    return flags.force ? status('Warning', true, notFound) : status('Error', false, notFound);
  }
  return flags.ignoreDaemonsets ? status('Warning', false, KUBECTL.daemonSetWarning) : status('Error', false, KUBECTL.daemonSetFatal);
}

function mirrorFilter(pod: Pod): FilterStatus {
  return { filter: 'mirror', type: pod.mirror ? 'Skip' : 'Okay', delete: !pod.mirror, message: '' };
}

function localStorageFilter(pod: Pod, flags: DrainFlags): FilterStatus {
  const status = (type: FilterStatus['type'], del: boolean, message = ''): FilterStatus => ({ filter: 'localStorage', type, delete: del, message });
  if (!hasEmptyDir(pod) || isFinished(pod)) return status('Okay', true);
  return flags.deleteEmptydirData ? status('Warning', true, KUBECTL.localStorageWarning) : status('Error', false, KUBECTL.localStorageFatal);
}

function unreplicatedFilter(pod: Pod, flags: DrainFlags): FilterStatus {
  const status = (type: FilterStatus['type'], del: boolean, message = ''): FilterStatus => ({ filter: 'unreplicated', type, delete: del, message });
  if (isFinished(pod) || pod.controller) return status('Okay', true);
  return flags.force ? status('Warning', true, KUBECTL.unmanagedWarning) : status('Error', false, KUBECTL.unmanagedFatal);
}

/**
 * Runs kubectl's filters in kubectl's order (daemonSet, mirror, localStorage,
 * unreplicated; `makeFilters` in filters.go). A filter that does not delete
 * the pod stops the chain.
 */
export function drainFilter(model: ClusterModel, pod: Pod, flags: DrainFlags): FilterVerdict {
  const filters = [
    () => daemonSetFilter(model, pod, flags),
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
  };
}
