import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pinnedVersion } from '../cluster/binaries.js';

/** kubeadm of the test cluster's release, as scripts/build-kubeadm.sh builds it (KCHECK_TEST_KUBEADM, or its cache folder). */
export function kubeadmBinary(): string {
  const version = pinnedVersion();
  const cache = process.env.KCHECK_CACHE || join(process.env.HOME || homedir(), '.cache', 'kcheck');
  const bin = join(process.env.KCHECK_TEST_KUBEADM || join(cache, `kubeadm-${version}`), 'bin', 'kubeadm');
  if (!existsSync(bin)) throw new Error(`kubeadm ${version} is not built: missing ${bin}. Run scripts/build-kubeadm.sh first (it builds it with Go).`);
  return bin;
}
