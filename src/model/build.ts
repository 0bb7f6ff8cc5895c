import type { Inputs } from '../sources/types.js';
import type { ClusterModel, DrainIntent, MaintenanceWindow } from './types.js';
import type { Version } from './version.js';
import { readComponents, type VersionFlags } from './components.js';
import { readNodes } from './nodes.js';
import { readObjects } from './objects.js';
import { readPods } from './pods.js';
import { readWorkloads } from './workloads.js';
import { readPdbs } from './pdbs.js';
import { readRequestedDeprecatedApis } from './deprecated-api-metrics.js';
import { readCertificates } from './certificates.js';
import { etcdNotFound, etcdServiceVersions, readEtcdPods, readEtcdServices, readExternalEtcd } from './etcd.js';
import { readTlsFiles } from './etcd-tls.js';
import { readBackups } from './snapshots.js';
import { admitObjects, Rejections } from './admit.js';
import { readDrainInputs } from './drain-inputs.js';
import { readVelero } from './velero.js';

export interface ModelOptions extends VersionFlags {
  now: Date;
  target?: Version | null;
  cluster?: string | null;
  /** A drain about to happen (`kcheck drain NODE`): drain rules look at its nodes only. */
  drain?: DrainIntent;
  /** `--window`: how long the maintenance lasts; default 24h. */
  window?: MaintenanceWindow;
}

/** The maintenance window when none is given: a day. */
export const DEFAULT_WINDOW: MaintenanceWindow = { ms: 86_400_000, text: '24h' };

/**
 * Turns what the sources read into the one typed model every rule sees.
 * Objects are checked where they enter (admitObjects) and each is read on
 * its own: one that cannot be read is a problem at its file and line (a gap,
 * for a cluster's object), and the others are still read.
 */
export function buildModel(inputs: Inputs, options: ModelOptions): ClusterModel {
  const rejections = new Rejections();
  const raws = admitObjects(inputs.objects, rejections);
  const nodes = readNodes(raws, rejections);
  const pods = readPods(raws, rejections);
  const workloads = readWorkloads(raws, rejections);
  const components = readComponents(raws, inputs.versionReports, options, rejections);
  const pdbs = readPdbs(raws, pods, workloads, rejections);
  const objects = readObjects(raws, rejections);
  const etcd = readEtcdPods(raws, inputs.host, rejections);
  const etcdServices = readEtcdServices(inputs.etcdUnits, inputs.host);
  components.push(...etcdServiceVersions(inputs.etcdUnits, etcdServices.services));
  const externalEtcd = readExternalEtcd(raws, inputs.host, rejections);
  const etcdTlsFiles = [...readTlsFiles(raws, inputs.host, rejections), ...etcdServices.tls, ...externalEtcd.tls];
  const drainInputs = readDrainInputs(raws, rejections);
  const velero = readVelero(inputs.objects, inputs.gaps, rejections);
  const gaps = [...inputs.gaps, ...rejections.gaps];
  // Only a node root says where etcd runs (inputs.etcdUnits is set when its units were looked at).
  const notFound = inputs.etcdUnits ? etcdNotFound(inputs.host?.root ?? 'the node root', etcd, etcdServices.services, externalEtcd.external, gaps) : null;
  if (notFound) gaps.push(notFound);
  return {
    capturedAt: options.now,
    target: options.target ?? null,
    cluster: options.cluster ?? null,
    components,
    nodes,
    pods,
    workloads,
    pdbs,
    objects,
    requestedDeprecatedApis: readRequestedDeprecatedApis(inputs.metrics),
    problems: [...inputs.problems, ...rejections.problems],
    skipped: inputs.skipped,
    gaps,
    incomplete: new Set(gaps.flatMap((g) => g.affects ?? [])),
    scanned: inputs.scanned,
    ...drainInputs,
    ...(options.drain ? { drain: options.drain } : {}),
    etcd,
    etcdTlsFiles,
    etcdServices: etcdServices.services,
    externalEtcd: externalEtcd.external,
    backups: readBackups(inputs),
    velero,
    window: options.window ?? DEFAULT_WINDOW,
    certificates: readCertificates(inputs.host, raws),
    nodeRoot: inputs.host?.root ?? null,
  };
}
