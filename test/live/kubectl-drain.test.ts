import { describe, expect, test } from 'vitest';
import { useTestCluster } from '../cluster/use-cluster.js';
import { FIXTURE } from '../cluster/fixtures.js';
import { kubectlDrainDryRun } from '../cluster/kubectl-drain.js';

const cluster = useTestCluster();

// The reference `kcheck drain` is compared with: what kubectl itself does on
// the fixture cluster, read back pod by pod.
describe('kubectl drain --dry-run=server on the fixture cluster', () => {
  test('without flags, kubectl refuses the DaemonSet, emptyDir and unmanaged pods of worker-1, naming the flag each needs', async () => {
    const drain = await kubectlDrainDryRun(cluster(), 'worker-1');
    expect(drain.exitCode).toBe(1);
    expect(drain.refused).toEqual([
      { pod: 'default/debug', needs: '--force' },
      { pod: 'kube-system/kube-proxy-worker-1', needs: '--ignore-daemonsets' },
      { pod: 'shop/cache-5f6d7c8b9a-q8r4t', needs: '--delete-emptydir-data' },
    ]);
    expect(drain.evicted).toEqual([]);
  });

  test('with the flags, every pod of worker-1 is evicted except the one its PDB protects', async () => {
    const drain = await kubectlDrainDryRun(cluster(), 'worker-1', ['--ignore-daemonsets', '--delete-emptydir-data', '--force']);
    expect(drain.exitCode).toBe(1);
    expect(drain.ignored).toEqual(['kube-system/kube-proxy-worker-1']);
    expect(drain.blockedByPdb).toEqual(['shop/cache-5f6d7c8b9a-q8r4t']);
    expect(drain.evicted).toEqual(['default/debug', 'shop/web-7d4b9c8f5d-w1x2k']);
    expect(Object.keys(FIXTURE.worker1Pods).sort()).toEqual([...drain.ignored, ...drain.blockedByPdb, ...drain.evicted].sort());
  });

  test('a node whose pods all have controllers and room in their PDBs drains', async () => {
    const drain = await kubectlDrainDryRun(cluster(), 'worker-2', ['--ignore-daemonsets']);
    expect(drain.exitCode).toBe(0);
    expect(drain.evicted).toEqual(['batch/nightly-29483520-x4m2p', 'legacy/legacy-api-6c8d9f7b4e-k2j8h', 'shop/db-0', 'shop/web-7d4b9c8f5d-p9d3m']);
    expect(drain.blockedByPdb).toEqual([]);
  });
});
