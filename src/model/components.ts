import type { RawObject, VersionReport } from '../sources/types.js';
import { clusterConfigurationText, eachObject, type Rejections } from './admit.js';
import { isClusterConfiguration, isKubeadmConfigMap, isNode, isPod } from './kinds.js';
import type { ComponentName, ComponentVersion } from './types.js';
import { arrayField, stringField } from './fields.js';
import { flagSubject, subjectOf } from './subject.js';
import { parseVersion } from './version.js';
import { MIRROR_ANNOTATION } from './static-pods.js';

/** Components recognised from a pod's containers (image name, container name or command). */
const POD_COMPONENTS: ComponentName[] = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'cloud-controller-manager',
  'etcd',
  'kube-proxy',
];

function basename(path: string): string {
  const noTag = (path.split('@')[0] ?? '').replace(/:[^/]*$/, '');
  return noTag.slice(noTag.lastIndexOf('/') + 1);
}

function componentNamed(name: string | undefined): ComponentName | undefined {
  if (!name) return undefined;
  // Cloud providers name theirs aws-cloud-controller-manager, openstack-cloud-controller-manager, ...
  if (name.endsWith('cloud-controller-manager')) return 'cloud-controller-manager';
  return POD_COMPONENTS.find((c) => c === name);
}

function fromPod(raw: RawObject): ComponentVersion[] {
  const o = raw.object;
  const isStatic = raw.origin === 'static-pod-manifest' || MIRROR_ANNOTATION in (o.metadata?.annotations ?? {});
  const node = stringField(o, 'spec', 'nodeName');
  return arrayField(o, 'spec', 'containers').flatMap((container): ComponentVersion[] => {
    const image = stringField(container, 'image') ?? '';
    const command = arrayField(container, 'command')[0];
    const component =
      componentNamed(basename(image)) ??
      componentNamed(stringField(container, 'name')) ??
      componentNamed(typeof command === 'string' ? basename(command) : undefined);
    if (!component) return [];
    return [{
      component,
      version: parseVersion(image),
      raw: image || '(no image)',
      source: isStatic ? 'static-pod-image' : 'pod-image',
      ...(node ? { node } : {}),
      subject: subjectOf(raw),
    }];
  });
}

/** kubeadm's ClusterConfiguration, standalone or inside the kube-system/kubeadm-config ConfigMap. */
function fromKubeadmConfig(raw: RawObject): ComponentVersion[] {
  const o = raw.object;
  let version: string | undefined;
  if (isKubeadmConfigMap(raw)) {
    const text = stringField(o, 'data', 'ClusterConfiguration');
    version = text === undefined ? undefined : clusterConfigurationText(text).kubernetesVersion;
  } else {
    version = stringField(o, 'kubernetesVersion');
  }
  if (!version) return [];
  return [{
    component: 'kube-apiserver',
    version: parseVersion(version),
    raw: version,
    source: 'kubeadm-config',
    subject: subjectOf(raw),
  }];
}

function isKubeadmConfig(raw: RawObject): boolean {
  return isClusterConfiguration(raw) || isKubeadmConfigMap(raw);
}

/** The kubelet and kube-proxy versions a Node reports in status.nodeInfo: the one place the model keeps them. */
function fromNode(raw: RawObject): ComponentVersion[] {
  const o = raw.object;
  const node = o.metadata?.name ?? '(unnamed)';
  const subject = subjectOf(raw);
  const kubelet = stringField(o, 'status', 'nodeInfo', 'kubeletVersion');
  const proxy = stringField(o, 'status', 'nodeInfo', 'kubeProxyVersion');
  const out: ComponentVersion[] = [];
  if (kubelet) out.push({ component: 'kubelet', version: parseVersion(kubelet), raw: kubelet, source: 'node-info', node, subject });
  // nodeInfo.kubeProxyVersion is deprecated and left empty by newer kubelets; only a real value counts.
  if (proxy) out.push({ component: 'kube-proxy', version: parseVersion(proxy), raw: proxy, source: 'node-info', node, subject });
  return out;
}

function fromVersionReport(report: VersionReport): ComponentVersion[] {
  const subject = { ref: null, provenance: report.provenance };
  const out: ComponentVersion[] = [];
  if (report.serverVersion) {
    out.push({ component: 'kube-apiserver', version: parseVersion(report.serverVersion), raw: report.serverVersion, source: 'server-version', subject });
  }
  if (report.clientVersion) {
    out.push({ component: 'kubectl', version: parseVersion(report.clientVersion), raw: report.clientVersion, source: 'kubectl-version', subject });
  }
  return out;
}

export interface VersionFlags {
  kubectlVersion?: string;
  kubeadmVersion?: string;
}

function fromFlags(flags: VersionFlags): ComponentVersion[] {
  const out: ComponentVersion[] = [];
  if (flags.kubectlVersion) {
    out.push({ component: 'kubectl', version: parseVersion(flags.kubectlVersion), raw: flags.kubectlVersion, source: 'flag', subject: flagSubject('--kubectl-version') });
  }
  if (flags.kubeadmVersion) {
    out.push({ component: 'kubeadm', version: parseVersion(flags.kubeadmVersion), raw: flags.kubeadmVersion, source: 'flag', subject: flagSubject('--kubeadm-version') });
  }
  return out;
}

/**
 * Where a kube-proxy pod runs, its image tells the kube-proxy version better
 * than the deprecated nodeInfo field; keep the node's value only where no pod says.
 */
function preferPodKubeProxy(components: ComponentVersion[]): ComponentVersion[] {
  const podNodes = new Set(components.filter((c) => c.component === 'kube-proxy' && c.source === 'pod-image' && c.node).map((c) => c.node));
  return components.filter((c) => !(c.component === 'kube-proxy' && c.source === 'node-info' && podNodes.has(c.node)));
}

export function readComponents(raws: RawObject[], reports: VersionReport[], flags: VersionFlags, rejections?: Rejections): ComponentVersion[] {
  const components = [
    ...eachObject(raws.filter(isPod), fromPod, rejections),
    ...eachObject(raws.filter(isKubeadmConfig), fromKubeadmConfig, rejections),
    ...eachObject(raws.filter(isNode), fromNode, rejections),
    ...reports.flatMap(fromVersionReport),
    ...fromFlags(flags),
  ];
  return preferPodKubeProxy(components);
}
