import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KUBEADM_CONFIG, LISTED_RESOURCES, listPath } from '../../src/sources/live/resources.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from '../sources/fake-apiserver.js';

type Json = Record<string, unknown>;

export interface LiveClusterOptions {
  /** Context name the kubeconfig gives the cluster; findings carry it as their cluster. */
  context: string;
  /** Fixture files whose objects the API serves, as `kubectl get -o json` would list them. */
  files: string[];
  /** Resources (plural, as RBAC names them) the identity may not list: answered 403 as kube-apiserver does. */
  forbidden?: string[];
}

export interface LiveCluster {
  context: string;
  kubeconfig: string;
  server: FakeApiServer;
  close(): Promise<void>;
}

/** Every object of the files, `kind: List` items unpacked; the first of several with the same kind, namespace and name. */
function objectsOf(files: string[]): Json[] {
  const seen = new Map<string, Json>();
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const value = doc.toJS() as Json | null;
      if (!value || typeof value !== 'object') continue;
      const items = value.kind === 'List' && Array.isArray(value.items) ? (value.items as Json[]) : [value];
      for (const item of items) {
        const meta = (item.metadata ?? {}) as { namespace?: string; name?: string };
        const key = `${String(item.kind)}/${meta.namespace ?? ''}/${meta.name ?? ''}`;
        if (!seen.has(key)) seen.set(key, item);
      }
    }
  }
  return [...seen.values()];
}

/** The version kube-apiserver reports at /version: its own image's tag, from its (mirror) pod. */
function serverVersion(objects: Json[]): string | null {
  for (const o of objects) {
    const meta = (o.metadata ?? {}) as { labels?: Record<string, string> };
    if (o.kind !== 'Pod' || meta.labels?.component !== 'kube-apiserver') continue;
    const containers = ((o.spec as Json | undefined)?.containers ?? []) as { image?: string }[];
    const tag = /:(v\d+\.\d+\.\d+[^@]*)$/.exec(containers[0]?.image ?? '')?.[1];
    if (tag) return tag;
  }
  return null;
}

const status = (code: number, reason: string, message: string): string =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

/**
 * A cluster read through the API: a stand-in kube-apiserver (test/sources/fake-apiserver.ts)
 * answering kcheck's requests with the objects of real fixture files, each
 * list as kube-apiserver sends it (items without apiVersion and kind), /version
 * with the apiserver pod's version, and 403 Forbidden, in kube-apiserver's
 * words, for the resources the identity may not list. The scan that reads it
 * goes through the live source as `kcheck scan --context` does.
 */
export async function startLiveCluster(options: LiveClusterOptions): Promise<LiveCluster> {
  const objects = objectsOf(options.files);
  const forbidden = new Set(options.forbidden ?? []);
  const version = serverVersion(objects);
  const send = (res: ServerResponse, code: number, body: string, type = 'application/json'): true => {
    res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  };
  const route = (path: string, _req: IncomingMessage, res: ServerResponse): boolean => {
    if (path === '/version') {
      if (!version) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      const [, major, minor] = /^v(\d+)\.(\d+)/.exec(version) ?? [];
      return send(res, 200, JSON.stringify({ major, minor, gitVersion: version, platform: 'linux/amd64' }));
    }
    if (path === '/metrics') return send(res, 200, '', 'text/plain; version=0.0.4');
    if (path === `/api/v1/namespaces/${KUBEADM_CONFIG.namespace}/configmaps/${KUBEADM_CONFIG.name}`) {
      const config = objects.find(
        (o) => o.kind === 'ConfigMap' && (o.metadata as Json)?.namespace === KUBEADM_CONFIG.namespace && (o.metadata as Json)?.name === KUBEADM_CONFIG.name,
      );
      if (config) return send(res, 200, JSON.stringify({ apiVersion: 'v1', ...config }));
      return send(res, 404, status(404, 'NotFound', `configmaps "${KUBEADM_CONFIG.name}" not found`));
    }
    const resource = LISTED_RESOURCES.find((r) => listPath(r) === path);
    if (!resource) return false;
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    if (forbidden.has(resource.resource)) {
      const group = resource.group ? `"${resource.group}"` : '""';
      return send(
        res,
        403,
        status(403, 'Forbidden', `${resource.resource} is forbidden: User "ci-reader" cannot list resource "${resource.resource}" in API group ${group} at the cluster scope`),
      );
    }
    const items = objects
      .filter((o) => o.kind === resource.kind)
      .map(({ apiVersion: _a, kind: _k, ...item }) => item);
    return send(res, 200, JSON.stringify({ kind: `${resource.kind}List`, apiVersion, metadata: { resourceVersion: '1' }, items }));
  };
  const server = await startFakeApiServer({ route });
  const dir = mkdtempSync(join(tmpdir(), 'kcheck-report-live-'));
  const kubeconfig = writeKubeconfig(dir, server.url, options.context, { token: 'ci-reader-token' });
  const close = async (): Promise<void> => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { context: options.context, kubeconfig, server, close };
}
