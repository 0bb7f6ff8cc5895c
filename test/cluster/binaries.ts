import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '..', '..');

export interface ClusterBinaries {
  version: string;
  dir: string;
  kubeApiserver: string;
  kubectl: string;
  etcd: string;
}

/** The Kubernetes release test/cluster/go.mod pins. */
export function pinnedVersion(): string {
  const goMod = readFileSync(join(here, 'go.mod'), 'utf8');
  const match = /^\s*k8s\.io\/kubernetes (v\d+\.\d+\.\d+)\s*$/m.exec(goMod);
  if (!match?.[1]) throw new Error(`cannot find the k8s.io/kubernetes version in ${join(here, 'go.mod')}`);
  return match[1];
}

/**
 * Where scripts/build-test-cluster.sh puts the binaries (keep the two in
 * step): KCHECK_TEST_CLUSTER_DIR when the test command passes the folder the
 * script printed, else the cache folder for the pinned release.
 */
export function findBinaries(env: NodeJS.ProcessEnv = process.env): ClusterBinaries {
  const version = pinnedVersion();
  const cache = env.KCHECK_CACHE || join(env.HOME || homedir(), '.cache', 'kcheck');
  const dir = join(env.KCHECK_TEST_CLUSTER_DIR || join(cache, `k8s-${version}`), 'bin');
  const binaries = {
    version,
    dir,
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubectl: join(dir, 'kubectl'),
    etcd: join(dir, 'etcd'),
  };
  const missing = [binaries.kubeApiserver, binaries.kubectl, binaries.etcd].filter((b) => !existsSync(b));
  if (missing.length > 0) {
    throw new Error(
      `the test cluster (Kubernetes ${version}) is not built: missing ${missing.join(', ')}. Run scripts/build-test-cluster.sh first (it builds them with Go into ${dirname(dir)}).`,
    );
  }
  return binaries;
}
