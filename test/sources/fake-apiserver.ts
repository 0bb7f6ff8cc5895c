import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { LISTED_RESOURCES } from '../../src/sources/live/resources.js';

/**
 * A small stand-in for kube-apiserver on 127.0.0.1 (plain HTTP, as `kubectl
 * proxy` serves): /version, every list kcheck makes (pods in several pages),
 * 404 for the kubeadm ConfigMap, an empty /metrics. Tests take over single
 * paths with `route` to send hostile answers.
 */
export interface FakeApiServer {
  url: string;
  /** Every request, in arrival order. */
  requests: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

export interface FakeApiServerOptions {
  /** Answer 401 unless the request carries `Authorization: Bearer <token>`. */
  token?: string;
  /** Pages the pod list comes in (one pod each), default 1. */
  podPages?: number;
  /** Gzip the normal answers when the client accepts gzip. */
  gzip?: boolean;
  /** Takes over a request when it returns true. */
  route?: (path: string, req: IncomingMessage, res: ServerResponse) => boolean;
  /** Serve HTTPS; with `clientCN`, answer 401 unless the client shows a certificate of that CN signed by `ca`. */
  tls?: { cert: Buffer; key: Buffer; ca: Buffer; clientCN?: string };
}

const status = (code: number, reason: string, message: string): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

function pod(n: number): unknown {
  return {
    metadata: { name: `pod-${n}`, namespace: 'default', uid: `uid-${n}`, resourceVersion: String(n) },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
    status: { phase: 'Running' },
  };
}

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const requests: FakeApiServer['requests'] = [];
  const listPaths = new Map(LISTED_RESOURCES.map((r) => [r.group ? `/apis/${r.group}/${r.version}/${r.resource}` : `/api/${r.version}/${r.resource}`, r]));
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname + url.search, authorization: req.headers.authorization });
    res.on('error', () => undefined);
    const send = (code: number, body: string, type = 'application/json'): void => {
      const gzip = options.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const data = gzip ? gzipSync(body) : Buffer.from(body);
      res.writeHead(code, { 'Content-Type': type, 'Content-Length': data.length, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
      res.end(data);
    };
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      send(401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (options.tls?.clientCN !== undefined) {
      const socket = req.socket as TLSSocket;
      if (!socket.authorized || socket.getPeerCertificate().subject?.CN !== options.tls.clientCN) {
        send(401, status(401, 'Unauthorized', 'Unauthorized'));
        return;
      }
    }
    if (options.route?.(url.pathname, req, res)) return;
    if (url.pathname === '/version') {
      send(200, JSON.stringify({ major: '1', minor: '35', gitVersion: 'v1.35.4', platform: 'linux/amd64' }));
      return;
    }
    if (url.pathname === '/metrics') {
      send(200, '# no deprecated APIs requested\n', 'text/plain; version=0.0.4');
      return;
    }
    const resource = listPaths.get(url.pathname);
    if (!resource) {
      send(404, status(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`));
      return;
    }
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    const list = { kind: `${resource.kind}List`, apiVersion, metadata: { resourceVersion: '100' } as Record<string, string>, items: [] as unknown[] };
    if (resource.resource === 'pods') {
      const pages = options.podPages ?? 1;
      const page = Number(url.searchParams.get('continue') ?? '0');
      list.items.push(pod(page));
      if (page + 1 < pages) list.metadata.continue = String(page + 1);
    }
    send(200, JSON.stringify(list));
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key, ca: options.tls.ca, requestCert: true, rejectUnauthorized: false }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Temp folders removed by `removeTempDirs`. */
const made: string[] = [];
export function tempDir(prefix = 'kcheck-fake-api-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A kubeconfig in `dir` with one context `name` whose user is `user`. */
export function writeKubeconfig(dir: string, server: string, name: string, user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server, ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name, context: { cluster: 'fake', user: 'u' } }],
      'current-context': name,
    }),
  );
  return path;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `kcheck` without blocking this process, so that a server in
 * the test can answer it (runCli's spawnSync would not let it). Resolves when
 * the process and everything holding its output have gone.
 */
export function runCliAsync(args: string[], options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; killAfterMs?: number } = {}): Promise<CliRun> {
  const bin = new URL('../../bin/kcheck.js', import.meta.url).pathname;
  if (!existsSync(new URL('../../build/src/cli/main.js', import.meta.url))) {
    throw new Error('build/ is missing: run npx tsc -p tsconfig.json before the CLI tests');
  }
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], {
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  // Cleanup only: a kcheck that ignores its own deadline must not outlive the test.
  const watchdog = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 50_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
