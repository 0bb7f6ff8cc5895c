import { afterAll, beforeAll, inject } from 'vitest';
import { loadFixtures } from './fixtures.js';
import { startTestCluster, type ClusterInfo, type TestCluster } from './start.js';
import './global-setup.js';

/**
 * The test cluster for a test file: the one test/cluster/global-setup.ts
 * started for the run, or else one of the file's own, started before its
 * tests and stopped after them.
 */
export function useTestCluster(): () => ClusterInfo {
  let info: ClusterInfo | undefined = inject('kcheckCluster');
  let own: TestCluster | undefined;
  beforeAll(async () => {
    if (info) return;
    own = await startTestCluster();
    await loadFixtures({ server: own.server, caFile: own.caFile, token: own.tokens.admin });
    info = own;
  });
  afterAll(async () => {
    await own?.stop();
  });
  return () => {
    if (!info) throw new Error('the test cluster is not running (its start failed above)');
    return info;
  };
}
