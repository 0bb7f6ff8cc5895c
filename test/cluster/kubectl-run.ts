import { spawnSync } from 'node:child_process';
import type { ClusterInfo } from './start.js';

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The test cluster's kubectl as its admin (unless args say --as), waiting for it to finish. */
export function runKubectl(cluster: Pick<ClusterInfo, 'kubectl' | 'kubeconfigPath'>, args: string[], input?: string): KubectlRun {
  const run = spawnSync(cluster.kubectl, ['--kubeconfig', cluster.kubeconfigPath, ...args], {
    encoding: 'utf8',
    input: input ?? '',
    timeout: 120_000,
    maxBuffer: 128 * 1024 * 1024,
  });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
