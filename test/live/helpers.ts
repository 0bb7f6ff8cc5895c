import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { stringify } from 'yaml';
import type { ListedResource } from '../../src/sources/live/resources.js';
import type { Inputs, RawObject } from '../../src/sources/types.js';
import type { ClusterInfo } from '../cluster/start.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp folder removed after the test file. */
export function tempDir(prefix = 'kcheck-live-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A kubeconfig with one context `name` that reaches `server` (default: the test apiserver) with a token. */
export function kubeconfigWith(cluster: ClusterInfo, name: string, token: string, server = cluster.server): string {
  const path = join(tempDir(), 'kubeconfig');
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server, 'certificate-authority': cluster.caFile } }],
      users: [{ name, user: { token } }],
      contexts: [{ name, context: { cluster: 'test', user: name } }],
      'current-context': name,
    }),
  );
  return path;
}

export function count(inputs: Inputs, kind: string): number {
  return inputs.objects.filter((o) => o.object.kind === kind).length;
}

/** `Kind ns/name` of every object, sorted: what a scan saw, without provenance. */
export function names(objects: RawObject[]): string[] {
  return objects.map((o) => `${o.object.kind} ${o.object.metadata?.namespace ?? ''}/${o.object.metadata?.name ?? ''}`).sort();
}

/** How kubectl names a listed resource: `pods`, `deployments.apps`. */
export function kubectlName(r: ListedResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}
