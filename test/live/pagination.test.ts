import { afterEach, describe, expect, test } from 'vitest';
import { readLive } from '../../src/sources/live/index.js';
import { useTestCluster } from '../cluster/use-cluster.js';
import { CONTEXTS } from '../cluster/start.js';
import { startFaultProxy, type FaultProxy } from '../cluster/fault-proxy.js';
import { kubeconfigWith } from './helpers.js';

const cluster = useTestCluster();
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

function podListRequests(p: FaultProxy): URL[] {
  return p.requests.filter((r) => r.url.startsWith('/api/v1/pods?')).map((r) => new URL(r.url, 'https://x'));
}

describe('paginated lists', () => {
  test('a small page size reads the same objects, page by page with continue tokens', async () => {
    const c = cluster();
    const whole = await readLive({ kubeconfig: c.kubeconfigPath, context: CONTEXTS.reader, progress: null });
    proxy = await startFaultProxy({ target: c.server, caFile: c.caFile, certFile: c.certFile, keyFile: c.keyFile, fault: () => ({ type: 'pass' }) });
    const kubeconfig = kubeconfigWith(c, CONTEXTS.reader, c.tokens.reader, proxy.url);

    const paged = await readLive({ kubeconfig, pageSize: 3, progress: null });

    expect(paged.gaps).toEqual([]);
    expect(paged.objects).toEqual(whole.objects);
    const pods = whole.objects.filter((o) => o.object.kind === 'Pod').length;
    const pages = podListRequests(proxy);
    expect(pages).toHaveLength(Math.ceil(pods / 3));
    expect(pages.every((u) => u.searchParams.get('limit') === '3')).toBe(true);
    expect(pages[0]?.searchParams.has('continue')).toBe(false);
    expect(pages.slice(1).every((u) => u.searchParams.get('continue'))).toBe(true);
  });

  test('an expired continue token (410 Gone) restarts that list from the top without duplicates', async () => {
    const c = cluster();
    const whole = await readLive({ kubeconfig: c.kubeconfigPath, context: CONTEXTS.reader, progress: null });
    let expired = false;
    proxy = await startFaultProxy({
      target: c.server,
      caFile: c.caFile,
      certFile: c.certFile,
      keyFile: c.keyFile,
      fault: ({ url }) => {
        if (!expired && url.startsWith('/api/v1/pods?') && url.includes('continue=')) {
          expired = true;
          return { type: 'status', status: 410 };
        }
        return { type: 'pass' };
      },
    });
    const kubeconfig = kubeconfigWith(c, CONTEXTS.reader, c.tokens.reader, proxy.url);

    const paged = await readLive({ kubeconfig, pageSize: 4, progress: null });

    expect(expired).toBe(true);
    expect(paged.objects).toEqual(whole.objects);
    const firstPages = podListRequests(proxy).filter((u) => !u.searchParams.has('continue'));
    expect(firstPages).toHaveLength(2);
  });
});
