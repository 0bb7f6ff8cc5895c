import { componentOnNode } from '../model/cluster-index.js';
import {
  controlPlaneWindow,
  inWindow,
  kubectlWindow,
  kubeletWindow,
  kubeProxyWindow,
  MAX_APISERVER_SPREAD,
  type AllowedWindow,
} from '../facts/skew-policy.js';
import { apiserverRange, componentsNamed } from '../model/control-plane.js';
import type { ClusterModel, ComponentName, ComponentVersion } from '../model/types.js';
import { addMinors, compareMinor, minorDistance, type Version } from '../model/version.js';

export type SkewGroup = 'kube-apiserver' | 'control plane' | 'kubectl' | 'nodes';

export interface SkewRow {
  group: SkewGroup;
  component: ComponentName;
  /** Where the instance runs: its node, or the object it was read from. */
  label: string;
  version: Version | null;
  /** The text the version was read from, shown when it cannot be parsed. */
  raw: string;
  /** The minors the skew policy allows now; null when no kube-apiserver version is known. */
  allowed: AllowedWindow | null;
  /** The minors it allows once the control plane runs the upgrade target. */
  allowedAtTarget: AllowedWindow | null;
  /** Whether the version is in `allowed`; null when either is unknown. */
  ok: boolean | null;
}

export interface SkewPicture {
  /** Every minor on the axis, oldest first. */
  minors: Version[];
  apiserver: { oldest: Version; newest: Version } | null;
  target: Version | null;
  rows: SkewRow[];
}

type WindowOf = (api: { oldest: Version; newest: Version }) => AllowedWindow;

/** kube-apiserver instances of an HA control plane: within one minor of each other. */
const apiserverWindow: WindowOf = (api) => ({
  min: addMinors(api.newest, -MAX_APISERVER_SPREAD),
  max: addMinors(api.oldest, MAX_APISERVER_SPREAD),
});

const WINDOWS: Partial<Record<ComponentName, WindowOf>> = {
  'kube-apiserver': apiserverWindow,
  'kube-controller-manager': controlPlaneWindow,
  'kube-scheduler': controlPlaneWindow,
  'cloud-controller-manager': controlPlaneWindow,
  kubectl: kubectlWindow,
  kubelet: kubeletWindow,
  'kube-proxy': kubeProxyWindow,
};

function instanceLabel(c: ComponentVersion): string {
  if (c.node) return `on ${c.node}`;
  const name = c.subject.ref?.name;
  if (c.source === 'kubectl-version') return '`kubectl version`';
  if (c.source === 'flag') return 'given by flag';
  return name && name !== c.component ? name : c.source === 'static-pod-image' ? 'static pod' : c.source;
}

function row(
  group: SkewGroup,
  component: ComponentName,
  label: string,
  version: Version | null,
  raw: string,
  api: { oldest: Version; newest: Version } | null,
  target: Version | null,
): SkewRow {
  const windowOf = WINDOWS[component];
  const allowed = windowOf && api ? windowOf(api) : null;
  const allowedAtTarget = windowOf && target ? windowOf({ oldest: target, newest: target }) : null;
  return {
    group,
    component,
    label,
    version,
    raw,
    allowed,
    allowedAtTarget,
    ok: version && allowed ? inWindow(version, allowed) : null,
  };
}

/** Every Kubernetes minor from the oldest to the newest seen in the rows, the windows and the target. */
function axis(rows: SkewRow[], target: Version | null): Version[] {
  const seen: Version[] = [];
  for (const r of rows) {
    if (r.version) seen.push(r.version);
    for (const w of [r.allowed, r.allowedAtTarget]) {
      // A window the apiservers leave empty (max below min) adds nothing to the axis.
      if (w && minorDistance(w.max, w.min) >= 0) seen.push(w.min, w.max);
    }
  }
  if (target) seen.push(target);
  const majors = new Set(seen.map((v) => v.major));
  if (seen.length === 0 || majors.size !== 1) return [];
  const sorted = [...seen].sort(compareMinor);
  const first = sorted[0]!;
  const span = minorDistance(sorted.at(-1)!, first);
  return Array.from({ length: span + 1 }, (_, i) => addMinors(first, i));
}

/**
 * The version-skew picture: each kube-apiserver, control-plane component,
 * kubectl, and each node's kubelet and kube-proxy, with the minors the skew
 * policy allows it now and at the upgrade target.
 * https://kubernetes.io/releases/version-skew-policy/
 */
export function skewPicture(model: ClusterModel): SkewPicture {
  const range = apiserverRange(model);
  const api = range ? { oldest: range.oldest.version, newest: range.newest.version } : null;
  const target = model.target;
  const rows: SkewRow[] = [];
  for (const c of range?.instances ?? []) {
    rows.push(row('kube-apiserver', 'kube-apiserver', instanceLabel(c), c.version, c.raw, api, target));
  }
  const controlPlane: ComponentName[] = ['kube-controller-manager', 'kube-scheduler', 'cloud-controller-manager'];
  for (const c of model.components.filter((x) => controlPlane.includes(x.component))) {
    rows.push(row('control plane', c.component, instanceLabel(c), c.version, c.raw, api, target));
  }
  for (const c of componentsNamed(model, 'kubectl')) {
    rows.push(row('kubectl', 'kubectl', instanceLabel(c), c.version, c.raw, api, target));
  }
  // The same kubelet and kube-proxy versions the skew rules judge: one per node, its pod's image before nodeInfo.
  for (const node of model.nodes) {
    for (const component of ['kubelet', 'kube-proxy'] as const) {
      const c = componentOnNode(model, component, node.name);
      if (c) rows.push(row('nodes', component, node.name, c.version, c.raw, api, target));
    }
  }
  return { minors: axis(rows, target), apiserver: api, target, rows };
}
