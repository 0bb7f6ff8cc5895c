import { NodeRoot } from '../root/node-root.js';
import { emptyInputs, type Inputs } from '../types.js';
import { readApiserverSans } from './apiserver-sans.js';
import { readCertificates } from './certificates.js';
import { readEtcdDataDirs } from './data-dirs.js';
import { readHostFiles } from './files.js';
import { checkKubeadmPki } from './kubeadm-checks.js';
import { readKubeletClient } from './kubelet-client.js';
import type { HostQuestions } from './types.js';

/**
 * What a control-plane node's root shows beyond its static pod manifests:
 * the etcd data directories etcd.yaml points at and the restored ones beside
 * them, whether the TLS files flags name exist, and every certificate kubeadm
 * manages. `questions` are the host paths the manifests name. Every path is
 * resolved inside the root, links included.
 */
export async function readHost(root: string, questions: HostQuestions): Promise<Inputs> {
  const inputs = emptyInputs();
  const node = new NodeRoot(root);
  const etcdDataDirs = await readEtcdDataDirs(node, questions.etcdDataDirs, inputs.gaps);
  const files = await readHostFiles(node, questions.files, inputs.gaps);
  const { pkiFound, certificates } = await readCertificates(node, inputs);
  const kubeadm = await checkKubeadmPki(node, inputs.gaps);
  const kubeletClient = await readKubeletClient(node, inputs.gaps);
  const apiserverSans = await readApiserverSans(node, inputs.gaps);
  inputs.host = { root, files, etcdDataDirs, pkiFound, certificates, kubeadm, kubeletClient, apiserverSans };
  return inputs;
}

export type * from './types.js';
