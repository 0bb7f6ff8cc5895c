import type { Inputs } from '../sources/types.js';
import type { ClusterModel, DrainIntent } from './types.js';
import type { Version } from './version.js';
import { readComponents, type VersionFlags } from './components.js';
import { readNodes } from './nodes.js';
import { readObjects } from './objects.js';
import { readPods } from './pods.js';
import { readWorkloads } from './workloads.js';
import { readPdbs } from './pdbs.js';
import { readRequestedDeprecatedApis } from './deprecated-api-metrics.js';
import { readCertificates } from './certificates.js';
import { readEtcdPods } from './etcd.js';
import { readTlsFiles } from './etcd-tls.js';
import { readBackups } from './snapshots.js';

export interface ModelOptions extends VersionFlags {
  now: Date;
  target?: Version | null;
  cluster?: string | null;
  /** A drain about to happen (`kcheck drain NODE`): drain rules look at its nodes only. */
  drain?: DrainIntent;
}

/** Turns what the sources read into the one typed model every rule sees. */
export function buildModel(inputs: Inputs, options: ModelOptions): ClusterModel {
  const raws = inputs.objects;
  const nodes = readNodes(raws);
  const pods = readPods(raws);
  const workloads = readWorkloads(raws);
  return {
    capturedAt: options.now,
    target: options.target ?? null,
    cluster: options.cluster ?? null,
    components: readComponents(raws, nodes, inputs.versionReports, options),
    nodes,
    pods,
    workloads,
    pdbs: readPdbs(raws, pods, workloads),
    objects: readObjects(raws),
    requestedDeprecatedApis: readRequestedDeprecatedApis(inputs.metrics),
    problems: inputs.problems,
    skipped: inputs.skipped,
    gaps: inputs.gaps,
    incomplete: new Set(inputs.gaps.flatMap((g) => g.affects ?? [])),
    scanned: inputs.scanned,
    ...(options.drain ? { drain: options.drain } : {}),
    etcd: readEtcdPods(raws, inputs.host),
    etcdTlsFiles: readTlsFiles(raws, inputs.host),
    backups: readBackups(inputs),
    certificates: readCertificates(inputs.host),
    nodeRoot: inputs.host?.root ?? null,
  };
}
