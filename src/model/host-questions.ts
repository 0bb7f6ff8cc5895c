import type { HostQuestions } from '../sources/host/types.js';
import type { EtcdUnit } from '../sources/root/systemd-types.js';
import type { RawObject } from '../sources/types.js';
import { etcdUnitQuestions, readEtcdDataDirs, readExternalEtcd } from './etcd.js';
import { readTlsFiles } from './etcd-tls.js';
import { admitObjects, Rejections } from './admit.js';

/**
 * The host paths the node root's static pods point at (etcd's data dir, TLS
 * files), worked out from their flags and volumes, for the host source to look at.
 * Objects the model cannot take are left out here; buildModel names them.
 */
export function hostQuestions(raws: RawObject[], etcdUnits?: EtcdUnit[]): HostQuestions {
  const rejections = new Rejections();
  const admitted = admitObjects(raws, rejections);
  // etcd run by systemd and kubeadm's etcd.external name node paths directly.
  const units = etcdUnitQuestions(etcdUnits);
  const external = readExternalEtcd(admitted, undefined, rejections).tls.map((f) => f.at.path);
  return {
    etcdDataDirs: [...readEtcdDataDirs(admitted, rejections), ...units.etcdDataDirs],
    files: [...readTlsFiles(admitted, undefined, rejections).flatMap((f) => (f.at.hostPath ? [f.at.hostPath] : [])), ...units.files, ...external],
  };
}
