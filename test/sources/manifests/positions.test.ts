import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPaths } from '../../../src/sources/manifests/index.js';
import { filePosition, fixture, placed, withTempDir } from '../helpers.js';

describe('positions of objects read from files', () => {
  it('gives each document of a multi-document YAML file its own line and column', async () => {
    const inputs = await readPaths([fixture('multi-doc.yaml')]);
    expect(placed(inputs)).toEqual(['Namespace shop @ 3:1', 'Deployment web @ 11:1', 'PodDisruptionBudget web @ 31:3']);
    expect(inputs.problems).toEqual([]);
    expect(inputs.skipped).toEqual([]);
  });

  it('keeps the path as the user gave it', async () => {
    const inputs = await readPaths(['fixtures/sources/multi-doc.yaml'], { cwd: join(fixture(''), '..', '..') });
    expect(inputs.objects.map((o) => filePosition(o.provenance).file)).toEqual(Array(3).fill('fixtures/sources/multi-doc.yaml'));
    expect(inputs.scanned).toEqual(['fixtures/sources/multi-doc.yaml']);
  });

  it('places a single JSON object at its opening brace', async () => {
    const inputs = await readPaths([fixture('single.json')]);
    expect(placed(inputs)).toEqual(['Node worker-1 @ 1:1']);
  });

  it('expands a kubectl YAML List into its items, each at its own position', async () => {
    const inputs = await readPaths([fixture('pods-list.yaml')]);
    expect(placed(inputs)).toEqual(['Pod web-7d4b9c-abcde @ 3:3', 'Pod db-0 @ 26:3']);
    const db = inputs.objects[1]?.object.metadata?.annotations?.note;
    expect(db).toBe('a block scalar\n---\nwith a dashed line inside, indented\n');
  });

  it('expands a kubectl JSON List into its items, each at its opening brace', async () => {
    const inputs = await readPaths([fixture('pods-list.json')]);
    expect(placed(inputs)).toEqual(['Pod web-7d4b9c-abcde @ 4:9', 'Pod db-0 @ 35:9']);
    expect(inputs.objects[0]?.object.metadata?.annotations?.tricky).toBe('a string with ] and } and " and , inside');
  });

  it('drops managedFields from the objects it keeps', async () => {
    for (const name of ['pods-list.yaml', 'pods-list.json']) {
      const inputs = await readPaths([fixture(name)]);
      const pod = inputs.objects[0]?.object;
      expect(pod?.metadata?.ownerReferences?.[0]?.kind ?? pod?.metadata?.namespace).toBeTruthy();
      expect(pod?.metadata && 'managedFields' in pod.metadata).toBe(false);
    }
  });

  it('names the items of an API server PodList, which carry no kind of their own', async () => {
    const inputs = await readPaths([fixture('podlist-from-api.json')]);
    expect(placed(inputs)).toEqual(['Pod coredns-76f75df574-x2x9k @ 2:1', 'Pod kube-proxy-8kq2w @ 3:1']);
    expect(inputs.objects.every((o) => o.object.apiVersion === 'v1')).toBe(true);
  });

  it('names the items of a list whose kind comes after them', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'nodes.json');
      await writeFile(file, '{"items": [\n  {"metadata": {"name": "n1"}}\n], "kind": "NodeList", "apiVersion": "v1"}\n');
      const inputs = await readPaths([file]);
      expect(placed(inputs)).toEqual(['Node n1 @ 2:3']);
    });
  });

  it('reads a top-level JSON array (as jq .items prints it) item by item', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'items.json');
      await writeFile(file, '[\n  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},\n  {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}\n]\n');
      expect(placed(await readPaths([file]))).toEqual(['Namespace a @ 2:3', 'Namespace b @ 3:3']);
    });
  });

  it('reads a YAML List whose items are indented under items:', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'list.yaml');
      await writeFile(
        file,
        [
          'apiVersion: v1',
          'kind: List',
          'items:',
          '  # first',
          '  - apiVersion: v1',
          '    kind: Namespace',
          '    metadata:',
          '      name: a',
          '',
          '  - apiVersion: v1',
          '    kind: Namespace',
          '    metadata: {name: b}',
          'metadata: {}',
          '',
        ].join('\n'),
      );
      expect(placed(await readPaths([file]))).toEqual(['Namespace a @ 5:5', 'Namespace b @ 10:5']);
    });
  });

  it('reads a List written in flow style as a whole', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'flow.yaml');
      await writeFile(file, 'apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: Namespace, metadata: {name: a}}]\n');
      expect(placed(await readPaths([file]))).toEqual(['Namespace a @ 3:9']);
    });
  });

  it('reads a document that starts with a %YAML directive', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'directive.yaml');
      await writeFile(file, '%YAML 1.2\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n');
      const inputs = await readPaths([file]);
      expect(inputs.problems).toEqual([]);
      expect(placed(inputs)).toEqual(['Namespace a @ 3:1', 'Namespace b @ 7:1']);
    });
  });

  it('keeps the same lines and columns in files with CRLF line ends', async () => {
    await withTempDir(async (dir) => {
      for (const name of ['multi-doc.yaml', 'pods-list.yaml', 'pods-list.json']) {
        const lf = await readPaths([fixture(name)]);
        const crlfFile = join(dir, name);
        await writeFile(crlfFile, (await readFile(fixture(name), 'utf8')).replace(/\n/g, '\r\n'));
        const crlf = await readPaths([crlfFile]);
        expect(crlf.problems).toEqual([]);
        expect(placed(crlf)).toEqual(placed(lf));
        expect(crlf.objects.map((o) => o.object)).toEqual(lf.objects.map((o) => o.object));
      }
    });
  });

  it('ignores a UTF-8 byte order mark and reads UTF-16 files written by PowerShell', async () => {
    await withTempDir(async (dir) => {
      const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bom\n';
      await writeFile(join(dir, 'utf8.yaml'), '\ufeff' + text);
      await writeFile(join(dir, 'utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
      const inputs = await readPaths([join(dir, 'utf8.yaml'), join(dir, 'utf16.yaml')]);
      expect(placed(inputs)).toEqual(['Namespace bom @ 1:1', 'Namespace bom @ 1:1']);
    });
  });
});
