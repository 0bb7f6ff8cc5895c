import type { ApiserverRange } from '../model/control-plane.js';
import type { Version } from '../model/version.js';
import { minorDistance, minorOf, addMinors } from '../model/version.js';

/**
 * The version skew policy (https://kubernetes.io/releases/version-skew-policy/).
 * In an HA control plane whose apiservers differ, "never newer" is measured
 * against the oldest apiserver and "at most N older" against the newest.
 */
export interface AllowedWindow {
  /** Oldest allowed minor. */
  min: Version;
  /** Newest allowed minor. */
  max: Version;
}

export function describeWindow(w: AllowedWindow): string {
  if (minorDistance(w.max, w.min) < 0) return 'none (the kube-apiservers are too far apart)';
  const min = minorOf(w.min);
  const max = minorOf(w.max);
  return min === max ? `only ${min}` : `${min} to ${max}`;
}

export function inWindow(v: Version, w: AllowedWindow): boolean {
  return minorDistance(v, w.min) >= 0 && minorDistance(w.max, v) >= 0;
}

/**
 * kubelet and kube-proxy may be up to 3 minors older than the apiserver, but
 * one older than 1.25 only 2 (the n-3 rule came with 1.28 control planes).
 * The limit depends on the node component's own version, so the allowed set
 * is worked out minor by minor rather than from the component being judged.
 */
function maxNodeSkew(v: Version): number {
  return v.major === 1 && v.minor < 25 ? 2 : 3;
}

/** The oldest minor a node component may run at `newest`: newest-3, or newest-2 when newest-3 is older than 1.25. */
function oldestNodeMinor(newest: Version): Version {
  const three = addMinors(newest, -3);
  return maxNodeSkew(three) === 3 ? three : addMinors(newest, -2);
}

function nodeComponentWindow(range: { oldest: Version; newest: Version }): AllowedWindow {
  return { min: oldestNodeMinor(range.newest), max: addMinors(range.oldest, 0) };
}

export function kubeletWindow(range: { oldest: Version; newest: Version }): AllowedWindow {
  return nodeComponentWindow(range);
}

export function kubeProxyWindow(range: { oldest: Version; newest: Version }): AllowedWindow {
  return nodeComponentWindow(range);
}

/** kube-proxy and the kubelet on the same node: within 3 minors either way (2 if kube-proxy < 1.25). */
export function kubeProxyKubeletWindow(kubelet: Version): AllowedWindow {
  const three = addMinors(kubelet, 3);
  return { min: oldestNodeMinor(kubelet), max: maxNodeSkew(three) === 3 ? three : addMinors(kubelet, 2) };
}

/** kube-controller-manager, kube-scheduler, cloud-controller-manager: never newer, at most 1 older. */
export function controlPlaneWindow(range: { oldest: Version; newest: Version }): AllowedWindow {
  return { min: addMinors(range.newest, -1), max: addMinors(range.oldest, 0) };
}

/** kubectl: within one minor, older or newer, of every kube-apiserver. */
export function kubectlWindow(range: { oldest: Version; newest: Version }): AllowedWindow {
  return { min: addMinors(range.newest, -1), max: addMinors(range.oldest, 1) };
}

/** kube-apiserver instances of an HA control plane: within one minor of each other. */
export const MAX_APISERVER_SPREAD = 1;

/** The oldest and newest kube-apiserver versions the windows are measured against. */
export function versionsOf(range: ApiserverRange): { oldest: Version; newest: Version } {
  return { oldest: range.oldest.version, newest: range.newest.version };
}

/**
 * The apiserver a component out of its window is compared with in messages:
 * the oldest when it is too new, the newest when it is too old.
 */
export function measuredAgainst(v: Version, api: { oldest: Version; newest: Version }): Version {
  return minorDistance(v, api.oldest) > 0 ? api.oldest : api.newest;
}
