import { readdir, stat } from 'node:fs/promises';
import { joinDisplay } from '../manifests/display-path.js';
import { describeFsError } from '../manifests/fs-errors.js';
import { readManifestFile } from '../manifests/read-file.js';
import { emptyInputs, type Inputs } from '../types.js';

/** kubeadm's default staticPodPath (the kubelet's `--pod-manifest-path`). */
const MANIFESTS = ['etc', 'kubernetes', 'manifests'];

/**
 * kubeadm keeps its configuration in the kubeadm-config ConfigMap, not on
 * disk; these are the names operators commonly keep the `kubeadm init
 * --config` file under. /var/lib/kubelet/config.yaml is the kubelet's own
 * configuration and is not read here.
 */
const KUBEADM_CONFIGS = [
  ['etc', 'kubernetes', 'kubeadm-config.yaml'],
  ['etc', 'kubernetes', 'kubeadm.yaml'],
];

function under(root: string, parts: string[]): string {
  return parts.reduce(joinDisplay, root);
}

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT';
}

/**
 * Like the kubelet, reads every file in the static pod folder whose name does
 * not start with a dot, whatever its extension, and does not descend into
 * subfolders (pkg/kubelet/config/file.go, extractFromDir:
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/config/file.go).
 * So a `kube-apiserver.yaml.bak` left there is a second static pod.
 */
async function readStaticPods(root: string, inputs: Inputs): Promise<void> {
  const folder = under(root, MANIFESTS);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => !name.startsWith('.')).sort();
  } catch (err) {
    const reason = isMissing(err)
      ? `no /etc/kubernetes/manifests under ${root}: is this a control-plane node's root?`
      : `cannot read the static pod folder: ${describeFsError(err)}`;
    inputs.gaps.push({ what: folder, reason, affects: ['controlPlane'] });
    return;
  }
  let read = 0;
  for (const name of names) {
    const file = joinDisplay(folder, name);
    try {
      // Like the kubelet, skip subfolders (and anything else that is not a file).
      if (!(await stat(file)).isFile()) continue;
    } catch (err) {
      inputs.gaps.push({ what: file, reason: `cannot read: ${describeFsError(err)}`, affects: ['controlPlane'] });
      continue;
    }
    await readManifestFile(file, inputs, { origin: 'static-pod-manifest' });
    read += 1;
  }
  if (read === 0) {
    inputs.gaps.push({
      what: folder,
      reason: `no static pod manifests in ${folder}: is this a control-plane node's root, or a worker's?`,
      affects: ['controlPlane'],
    });
  }
}

async function readKubeadmConfigs(root: string, inputs: Inputs): Promise<void> {
  for (const parts of KUBEADM_CONFIGS) {
    const file = under(root, parts);
    try {
      if (!(await stat(file)).isFile()) continue;
    } catch (err) {
      if (!isMissing(err)) inputs.gaps.push({ what: file, reason: `cannot read: ${describeFsError(err)}`, affects: ['controlPlane'] });
      continue;
    }
    await readManifestFile(file, inputs, { origin: 'kubeadm-config' });
  }
}

/**
 * A control-plane node's files under `dir` (`/` on the node itself, or a
 * copied backup of its root): the static pods kubeadm writes to
 * /etc/kubernetes/manifests (kube-apiserver, kube-controller-manager,
 * kube-scheduler, etcd, and cloud-controller-manager where one runs) and a
 * kubeadm configuration file when there is one (ClusterConfiguration,
 * InitConfiguration, ... documents of kubeadm.k8s.io/v1beta3 or v1beta4).
 */
export async function readRoot(dir: string): Promise<Inputs> {
  const inputs = emptyInputs();
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) {
      inputs.gaps.push({ what: dir, reason: '--root is not a folder', affects: ['controlPlane', 'host'] });
      return inputs;
    }
  } catch (err) {
    inputs.gaps.push({ what: dir, reason: `cannot read --root: ${describeFsError(err)}`, affects: ['controlPlane', 'host'] });
    return inputs;
  }
  await readStaticPods(dir, inputs);
  await readKubeadmConfigs(dir, inputs);
  return inputs;
}
