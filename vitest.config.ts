import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real etcd and kube-apiserver processes start in some suites.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two cores: suites that start servers should not all start at once.
    maxWorkers: 2,
    reporters: process.env['CI'] ? ['default'] : ['default'],
  },
});
