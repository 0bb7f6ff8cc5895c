import type { HostQuestions } from '../sources/host/types.js';
import type { RawObject } from '../sources/types.js';
import { readEtcdDataDirs } from './etcd.js';
import { readTlsFiles } from './etcd-tls.js';
import { admitObjects, Rejections } from './admit.js';

/**
 * The host paths the node root's static pods point at (etcd's data dir, TLS
 * files), worked out from their flags and volumes, for the host source to look at.
 * Objects the model cannot take are left out here; buildModel names them.
 */
export function hostQuestions(raws: RawObject[]): HostQuestions {
  const rejections = new Rejections();
  const admitted = admitObjects(raws, rejections);
  return {
    etcdDataDirs: readEtcdDataDirs(admitted, rejections),
    files: readTlsFiles(admitted, undefined, rejections).flatMap((f) => (f.at.hostPath ? [f.at.hostPath] : [])),
  };
}
