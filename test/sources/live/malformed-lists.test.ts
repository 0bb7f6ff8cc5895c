import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildModel } from '../../../src/model/build.js';
import { readLive } from '../../../src/sources/live/index.js';
import { LISTED_RESOURCES, listPath } from '../../../src/sources/live/resources.js';

/** The pod list's answer under test; every other list is empty and well formed. */
let podAnswer: unknown = {};
let server: http.Server;
let kubeconfig: string;
const dir = mkdtempSync(join(tmpdir(), 'kcheck-malformed-list-'));

const POD = { metadata: { name: 'web-1', namespace: 'shop' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx:1.27' }] } };

beforeAll(async () => {
  const lists = new Map(LISTED_RESOURCES.map((r) => [listPath(r), r]));
  server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/version') return json(200, { major: '1', minor: '33', gitVersion: 'v1.33.5' });
    if (path === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return res.end('');
    }
    const resource = lists.get(path);
    if (!resource) return json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'not found', reason: 'NotFound', code: 404 });
    if (resource.resource === 'pods') return json(200, podAnswer);
    return json(200, { kind: `${resource.kind}List`, apiVersion: resource.group ? `${resource.group}/${resource.version}` : 'v1', metadata: {}, items: [] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'test', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'test',
    }),
  );
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const LIST = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7' } };

describe('a list answer that is not a list of objects', () => {
  it.each([
    ['without items', LIST, 'answered a list without "items"'],
    ['with items that are an object', { ...LIST, items: { a: POD } }, 'answered a list whose "items" is a JSON object, not an array'],
    ['with items that are a string', { ...LIST, items: 'none' }, 'answered a list whose "items" is a string, not an array'],
    ['with an item that is not an object', { ...LIST, items: [POD, 5] }, 'answered a list whose item 1 is a number, not an object'],
    ['with an item that is null', { ...LIST, items: [null] }, 'answered a list whose item 0 is null, not an object'],
    ['that is an array', [POD], 'answered a JSON array, not a list'],
  ])('%s is a gap naming the resource, not an empty list', async (_, answer, reason) => {
    podAnswer = answer;
    const inputs = await readLive({ kubeconfig, progress: null });
    const gap = inputs.gaps.find((g) => g.what === 'test/pods');
    expect(gap?.reason).toMatch(new RegExp(`^GET /api/v1/pods\\?limit=\\d+ ${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(gap?.affects).toEqual(['pods', 'controlPlane']);
    expect(inputs.objects.filter((o) => o.object.kind === 'Pod')).toEqual([]);
    const model = buildModel(inputs, { now: new Date('2026-11-20T00:00:00Z') });
    expect(model.incomplete.has('pods')).toBe(true);
  });

  it('reads "items": null as the empty list a Go server writes for a nil slice', async () => {
    podAnswer = { ...LIST, items: null };
    const inputs = await readLive({ kubeconfig, progress: null });
    expect(inputs.gaps).toEqual([]);
  });

  it('reads a well-formed answer', async () => {
    podAnswer = { ...LIST, items: [POD] };
    const inputs = await readLive({ kubeconfig, progress: null });
    expect(inputs.gaps).toEqual([]);
    expect(inputs.objects.filter((o) => o.object.kind === 'Pod').map((o) => o.object.metadata?.name)).toEqual(['web-1']);
  });

  it('keeps a field of the wrong type in a listed object for the model to name as a gap', async () => {
    podAnswer = { ...LIST, items: [{ ...POD, metadata: 'web-1' }] };
    const inputs = await readLive({ kubeconfig, progress: null });
    const model = buildModel(inputs, { now: new Date('2026-11-20T00:00:00Z') });
    expect(model.gaps).toEqual([{ what: 'test/Pod', reason: 'metadata is the string "web-1", not a mapping', affects: ['pods'] }]);
  });
});
