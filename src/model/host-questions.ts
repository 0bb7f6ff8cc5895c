import type { HostQuestions } from '../sources/host/types.js';
import type { RawObject } from '../sources/types.js';
import { etcdDataDirsNamed } from './etcd.js';
import { readTlsFiles } from './etcd-tls.js';

/**
 * The host paths the node root's static pods point at (etcd's data dir, TLS
 * files), worked out from their flags and volumes, for the host source to look at.
 */
export function hostQuestions(raws: RawObject[]): HostQuestions {
  return {
    etcdDataDirs: etcdDataDirsNamed(raws),
    files: readTlsFiles(raws, undefined).flatMap((f) => (f.at.hostPath ? [f.at.hostPath] : [])),
  };
}
