import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { describeFsError } from '../manifests/fs-errors.js';
import { readManifestFile } from '../manifests/read-file.js';
import { HOST_FILE_MAX_BYTES } from '../open-file.js';
import { emptyInputs, type Inputs } from '../types.js';
import { isMissing, NodeRoot, orGap, rootReason } from './node-root.js';
import { readEtcdUnits } from './systemd-etcd.js';

/** kubeadm's default staticPodPath (the kubelet's `--pod-manifest-path`). */
const MANIFESTS = '/etc/kubernetes/manifests';

/**
 * kubeadm keeps its configuration in the kubeadm-config ConfigMap, not on
 * disk; these are the names operators commonly keep the `kubeadm init
 * --config` file under. /var/lib/kubelet/config.yaml is the kubelet's own
 * configuration and is not read here.
 */
const KUBEADM_CONFIGS = ['/etc/kubernetes/kubeadm-config.yaml', '/etc/kubernetes/kubeadm.yaml'];

/** Reads one file kcheck found under the root: opened confined to it, refused unless regular. */
async function readNodeManifest(root: NodeRoot, path: string, origin: 'static-pod-manifest' | 'kubeadm-config', inputs: Inputs): Promise<void> {
  await readManifestFile(root.display(path), inputs, {
    origin,
    affects: ['controlPlane'],
    fifo: 'refuse',
    maxBytes: HOST_FILE_MAX_BYTES,
    open: () => root.open(path),
  });
}

/**
 * Like the kubelet, reads every file in the static pod folder whose name does
 * not start with a dot, whatever its extension, and does not descend into
 * subfolders (pkg/kubelet/config/file.go, extractFromDir:
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/config/file.go).
 * So a `kube-apiserver.yaml.bak` left there is a second static pod.
 */
async function readStaticPods(root: NodeRoot, inputs: Inputs): Promise<void> {
  const folder = root.display(MANIFESTS);
  let names: string[];
  try {
    names = (await root.list(MANIFESTS)).filter((name) => !name.startsWith('.')).sort();
  } catch (err) {
    const reason = isMissing(err)
      ? `no /etc/kubernetes/manifests under ${root.root}: is this a control-plane node's root?`
      : `cannot read the static pod folder: ${rootReason(err)}`;
    inputs.gaps.push({ what: folder, reason, affects: ['controlPlane'] });
    return;
  }
  let read = 0;
  for (const name of names) {
    const path = posix.join(MANIFESTS, name);
    try {
      // The kubelet skips subfolders and logs anything else that is not a regular file; kcheck names it as unreadable.
      if ((await root.stat(path)).isDirectory()) continue;
    } catch (err) {
      inputs.gaps.push({ what: root.display(path), reason: `cannot read: ${rootReason(err)}`, affects: ['controlPlane'] });
      continue;
    }
    await readNodeManifest(root, path, 'static-pod-manifest', inputs);
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

async function readKubeadmConfigs(root: NodeRoot, inputs: Inputs): Promise<void> {
  for (const path of KUBEADM_CONFIGS) {
    const isFolder = await orGap(root, path, inputs.gaps, ['controlPlane'], async () => (await root.stat(path)).isDirectory());
    if (isFolder !== false) continue;
    await readNodeManifest(root, path, 'kubeadm-config', inputs);
  }
}

/**
 * A control-plane node's files under `dir` (`/` on the node itself, or a
 * copied backup of its root): the static pods kubeadm writes to
 * /etc/kubernetes/manifests (kube-apiserver, kube-controller-manager,
 * kube-scheduler, etcd, and cloud-controller-manager where one runs) and a
 * kubeadm configuration file when there is one (ClusterConfiguration,
 * InitConfiguration, ... documents of kubeadm.k8s.io/v1beta3 or v1beta4),
 * and the systemd units that run etcd when it is not a static pod.
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
  const root = new NodeRoot(dir);
  await readStaticPods(root, inputs);
  await readKubeadmConfigs(root, inputs);
  inputs.etcdUnits = await readEtcdUnits(root, inputs.gaps);
  // What systemd ignores with a warning (a line without '=', a word that is no assignment) is said at its line, never dropped.
  for (const unit of inputs.etcdUnits) {
    for (const p of unit.problems) {
      inputs.problems.push({ provenance: { type: 'file', file: p.at.file, line: p.at.line, column: 1 }, message: `${unit.unit}: ${p.message}` });
    }
  }
  return inputs;
}
