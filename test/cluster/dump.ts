import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findBinaries } from './binaries.js';

const run = promisify(execFile);

/** What the live source lists, in kubectl's words. */
const DUMPED_RESOURCES = [
  'nodes',
  'pods',
  'namespaces',
  'replicationcontrollers',
  'deployments.apps',
  'replicasets.apps',
  'statefulsets.apps',
  'daemonsets.apps',
  'jobs.batch',
  'cronjobs.batch',
  'poddisruptionbudgets.policy',
  'persistentvolumes',
  'persistentvolumeclaims',
  'services',
  'validatingwebhookconfigurations.admissionregistration.k8s.io',
  'mutatingwebhookconfigurations.admissionregistration.k8s.io',
  'apiservices.apiregistration.k8s.io',
];

export interface ClusterDump {
  dir: string;
  /** `kubectl get <every listed resource> -A -o yaml`: one List. */
  objectsFile: string;
  /** `kubectl get configmap kubeadm-config -n kube-system -o yaml`. */
  kubeadmConfigFile: string;
  /**
   * `{"serverVersion": <GET /version>}`: the shape of `kubectl version -o json`
   * without clientVersion, so the dump describes the cluster and not the
   * kubectl that made it.
   */
  versionFile: string;
  files: string[];
}

/**
 * Dumps the cluster with kubectl the way an operator would, for comparing a
 * scan of the dump with a live scan of the same cluster.
 */
export async function dumpCluster(kubeconfig: string, options: { context?: string; kubectl?: string; dir?: string } = {}): Promise<ClusterDump> {
  const kubectl = options.kubectl ?? findBinaries().kubectl;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'kcheck-dump-'));
  const base = ['--kubeconfig', kubeconfig, ...(options.context ? ['--context', options.context] : [])];
  const get = async (args: string[]): Promise<string> => {
    try {
      return (await run(kubectl, [...base, ...args], { maxBuffer: 256 * 1024 * 1024 })).stdout;
    } catch (error) {
      throw new Error(`kubectl ${args.join(' ')} failed: ${(error as { stderr?: string }).stderr || (error as Error).message}`);
    }
  };
  const objectsFile = join(dir, 'cluster.yaml');
  writeFileSync(objectsFile, await get(['get', DUMPED_RESOURCES.join(','), '--all-namespaces', '-o', 'yaml']));
  const kubeadmConfigFile = join(dir, 'kubeadm-config.yaml');
  writeFileSync(kubeadmConfigFile, await get(['get', 'configmap', 'kubeadm-config', '-n', 'kube-system', '-o', 'yaml']));
  const versionFile = join(dir, 'version.json');
  writeFileSync(versionFile, `${JSON.stringify({ serverVersion: JSON.parse(await get(['get', '--raw', '/version'])) }, null, 2)}\n`);
  return { dir, objectsFile, kubeadmConfigFile, versionFile, files: [objectsFile, kubeadmConfigFile, versionFile] };
}
