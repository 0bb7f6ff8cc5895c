import type { TestProject } from 'vitest/node';
import { loadFixtures } from './fixtures.js';
import { startTestCluster, type ClusterInfo } from './start.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared test cluster, fixtures loaded; absent when no globalSetup started one. */
    kcheckCluster?: ClusterInfo;
  }
}

/**
 * vitest globalSetup for test/live: one test cluster for the whole run, with
 * the fixtures loaded, handed to test files through inject('kcheckCluster').
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startTestCluster();
  try {
    await loadFixtures({ server: cluster.server, caFile: cluster.caFile, token: cluster.tokens.admin });
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  const { stop, ...info } = cluster;
  project.provide('kcheckCluster', info);
  return stop;
}
