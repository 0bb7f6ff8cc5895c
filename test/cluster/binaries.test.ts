import { describe, expect, test } from 'vitest';
import { findBinaries, pinnedVersion } from './binaries.js';

describe('the test cluster binaries', () => {
  test('when they are not built, the error says which script builds them', () => {
    expect(() => findBinaries({ KCHECK_CACHE: '/nonexistent/kcheck-cache' })).toThrow(
      new RegExp(`the test cluster \\(Kubernetes ${pinnedVersion().replace(/\./g, '\\.')}\\) is not built: missing /nonexistent/kcheck-cache/k8s-v[\\d.]+/bin/kube-apiserver.*Run scripts/build-test-cluster\\.sh first`),
    );
  });

  test('the pinned release is the k8s.io/kubernetes version test/cluster/go.mod requires', () => {
    expect(pinnedVersion()).toMatch(/^v1\.\d+\.\d+$/);
  });
});
