import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Real etcd and kube-apiserver processes start in some suites.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two cores: suites that start servers should not all start at once.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/live/**'] } },
      // One test cluster (etcd + kube-apiserver) for every live suite of the run.
      { extends: true, test: { name: 'live', include: ['test/live/**/*.test.ts'], globalSetup: ['test/cluster/global-setup.ts'] } },
    ],
  },
});
