import { emptyInputs, type Inputs } from '../types.js';
import { readCertificates } from './certificates.js';
import { readEtcdDataDirs } from './data-dirs.js';
import { readHostFiles } from './files.js';
import type { HostQuestions } from './types.js';

/**
 * What a control-plane node's root shows beyond its static pod manifests:
 * the etcd data directories etcd.yaml points at and the restored ones beside
 * them, whether the TLS files flags name exist, and every certificate kubeadm
 * manages. `questions` are the host paths the manifests name.
 */
export async function readHost(root: string, questions: HostQuestions): Promise<Inputs> {
  const inputs = emptyInputs();
  const etcdDataDirs = await readEtcdDataDirs(root, questions.etcdDataDirs, inputs.gaps);
  const files = await readHostFiles(root, questions.files, inputs.gaps);
  const { pkiFound, certificates } = await readCertificates(root, inputs);
  inputs.host = { root, files, etcdDataDirs, pkiFound, certificates };
  return inputs;
}

export type * from './types.js';
