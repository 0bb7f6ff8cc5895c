import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { ClusterReadError, readLive } from '../../src/sources/live/index.js';
import { useTestCluster } from '../cluster/use-cluster.js';
import { CONTEXTS } from '../cluster/start.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../cluster/fault-proxy.js';
import { kubeconfigWith } from './helpers.js';

const cluster = useTestCluster();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function proxyWith(fault: (r: { url: string; attempt: number }) => Fault): Promise<FaultProxy> {
  const c = cluster();
  const proxy = await startFaultProxy({ target: c.server, caFile: c.caFile, certFile: c.certFile, keyFile: c.keyFile, fault });
  cleanups.push(() => proxy.close());
  return proxy;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
}

describe('retries against a misbehaving API server', () => {
  test('429 with Retry-After, 500, resets, cut answers and slow answers are retried until every list is read', async () => {
    const c = cluster();
    const direct = await readLive({ kubeconfig: c.kubeconfigPath, context: CONTEXTS.reader, progress: null });
    // Every URL fails in a different way on each of its first attempts, then passes.
    const sequence: Fault[] = [
      { type: 'status', status: 429, retryAfterSeconds: 1 },
      { type: 'status', status: 500 },
      { type: 'reset' },
      { type: 'cut' },
      { type: 'delay', ms: 2_000 },
      { type: 'status', status: 503 },
    ];
    const proxy = await proxyWith(({ attempt }) => sequence[attempt] ?? { type: 'pass' });
    const kubeconfig = kubeconfigWith(c, CONTEXTS.reader, c.tokens.reader, proxy.url);

    const inputs = await readLive({ kubeconfig, requestTimeoutMs: 500, timeoutMs: 60_000, backoffMs: { base: 20, max: 200 }, progress: null });

    expect(inputs.gaps).toEqual([]);
    expect(inputs.objects).toEqual(direct.objects);
    expect(inputs.versionReports).toEqual(direct.versionReports);
    const faults = new Set(proxy.requests.map((r) => r.fault));
    expect([...faults].sort()).toEqual(['cut', 'delay', 'pass', 'reset', 'status']);
    expect(proxy.requests.every((r) => r.method === 'GET')).toBe(true);
    // Retry-After: 1 was honoured: the second attempt of each URL came at least a second after the 429.
    const byUrl = new Map<string, typeof proxy.requests>();
    for (const r of proxy.requests) byUrl.set(r.url, [...(byUrl.get(r.url) ?? []), r]);
    for (const [url, attempts] of byUrl) {
      const [first, second] = attempts;
      if (first && second) expect(second.at - first.at, url).toBeGreaterThanOrEqual(990);
    }
  });

  test('a server that refuses connections ends the scan with a clear error inside the deadline', async () => {
    const c = cluster();
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((r) => closed.close(r));
    const kubeconfig = kubeconfigWith(c, 'gone', c.tokens.reader, `https://127.0.0.1:${port}`);

    const started = Date.now();
    const error = await readLive({ kubeconfig, timeoutMs: 3_000, backoffMs: { base: 100, max: 1_000 }, progress: null }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(error).toBeInstanceOf(ClusterReadError);
    expect((error as Error).message).toMatch(
      new RegExp(`^cannot read context "gone" \\(https://127\\.0\\.0\\.1:${port}\\): GET /version failed: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}; gave up after \\d+ attempts in \\d+\\.\\ds \\(--timeout\\)$`),
    );
    expect(elapsed).toBeLessThan(4_000);
  });

  test('a server that accepts connections but never answers is given up on at the deadline', async () => {
    const c = cluster();
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    const port = await listen(silent);
    cleanups.push(
      () =>
        new Promise((resolve) => {
          for (const s of sockets) s.destroy();
          silent.close(() => resolve());
        }),
    );
    const kubeconfig = kubeconfigWith(c, 'silent', c.tokens.reader, `https://127.0.0.1:${port}`);

    const started = Date.now();
    const error = await readLive({ kubeconfig, requestTimeoutMs: 400, timeoutMs: 2_000, backoffMs: { base: 50, max: 200 }, progress: null }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ClusterReadError);
    expect((error as Error).message).toMatch(/context "silent".*no complete answer within \d+ ms \(--request-timeout\); gave up after \d+ attempts/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('a server that keeps answering 503 is given up on at the deadline, naming the status', async () => {
    const c = cluster();
    const proxy = await proxyWith(() => ({ type: 'status', status: 503 }));
    const kubeconfig = kubeconfigWith(c, 'overloaded', c.tokens.reader, proxy.url);
    const started = Date.now();
    await expect(readLive({ kubeconfig, timeoutMs: 1_500, backoffMs: { base: 50, max: 300 }, progress: null })).rejects.toThrow(
      /context "overloaded".*GET \/version failed: HTTP 503: an error on the server/,
    );
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(proxy.requests.length).toBeGreaterThan(2);
  });
});
