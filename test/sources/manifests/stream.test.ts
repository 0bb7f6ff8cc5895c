import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { streamManifests, type ManifestEvent } from '../../../src/sources/manifests/index.js';
import { fixture } from '../helpers.js';

async function collect(chunks: AsyncIterable<Buffer | string>): Promise<ManifestEvent[]> {
  const events: ManifestEvent[] = [];
  for await (const event of streamManifests(chunks)) events.push(event);
  return events;
}

async function* inPieces(bytes: Buffer, size: (i: number) => number): AsyncGenerator<Buffer> {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const n = Math.max(1, size(i));
    yield bytes.subarray(offset, offset + n);
    offset += n;
  }
}

/**
 * Watches a manifest stream. `next()` is the next event (a stream that never
 * yields it fails the test by its timeout); `pending()` says whether no event
 * is ready once the reader has had every turn of the event loop it needs to
 * take in what was written so far: it counts turns, it does not wait for time.
 */
function watch(input: PassThrough) {
  const events = streamManifests(input)[Symbol.asyncIterator]();
  let waiting: Promise<IteratorResult<ManifestEvent>> | undefined;
  let ready = false;
  const take = () => {
    if (!waiting) {
      ready = false;
      waiting = events.next();
      void waiting.then(() => (ready = true), () => (ready = true));
    }
    return waiting;
  };
  return {
    async pending(): Promise<boolean> {
      take();
      for (let turn = 0; turn < 20 && !ready; turn++) await new Promise((r) => setImmediate(r));
      return !ready;
    },
    async next(): Promise<ManifestEvent | 'done'> {
      const result = await take();
      waiting = undefined;
      return result.done ? 'done' : result.value;
    },
  };
}

const FIXTURES = [
  'multi-doc.yaml',
  'pods-list.yaml',
  'pods-list.json',
  'podlist-from-api.json',
  'broken-middle.yaml',
  'broken-item.json',
  'not-kubernetes.yaml',
  'kubectl-version.json',
];

describe('streaming', () => {
  it.each(FIXTURES)('finds the same things in %s whatever the chunk boundaries', async (name) => {
    const bytes = await readFile(fixture(name));
    const whole = await collect(inPieces(bytes, () => bytes.length));
    expect(whole.length).toBeGreaterThan(0);
    expect(await collect(inPieces(bytes, () => 1))).toEqual(whole);
    expect(await collect(inPieces(bytes, (i) => (i * 7919) % 23))).toEqual(whole);
  });

  it('keeps a multi-byte character split across chunks intact', async () => {
    const bytes = Buffer.from('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ü"}, "data": {"k": "日本"}}');
    const events = await collect(inPieces(bytes, () => 1));
    expect(events).toEqual([
      {
        type: 'object',
        object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ü' }, data: { k: '日本' } },
        at: { line: 1, column: 1 },
      },
    ]);
  });

  it('yields each JSON list item before the rest of a slow stream has arrived', async () => {
    const input = new PassThrough();
    const events = watch(input);
    input.write('{"apiVersion": "v1", "items": [\n  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "first"}}');
    expect(await events.pending()).toBe(true);
    input.write(',\n  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "second"}}');
    const first = await events.next();
    expect(first).toMatchObject({ type: 'object', object: { metadata: { name: 'first' } }, at: { line: 2, column: 3 } });
    input.end('\n], "kind": "List"}\n');
    expect(await events.next()).toMatchObject({ object: { metadata: { name: 'second' } } });
    expect(await events.next()).toBe('done');
  });

  it('yields each YAML list item before the rest of a slow stream has arrived', async () => {
    const input = new PassThrough();
    const events = watch(input);
    input.write('apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: first\n');
    expect(await events.pending()).toBe(true);
    input.write('- apiVersion: v1\n');
    expect(await events.next()).toMatchObject({ object: { metadata: { name: 'first' } }, at: { line: 3, column: 3 } });
    input.end('  kind: Pod\n  metadata:\n    name: second\nkind: List\n');
    expect(await events.next()).toMatchObject({ object: { metadata: { name: 'second' } }, at: { line: 7, column: 3 } });
    expect(await events.next()).toBe('done');
  });

  it('yields each YAML document as soon as the next separator arrives', async () => {
    const input = new PassThrough();
    const events = watch(input);
    input.write('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n');
    expect(await events.pending()).toBe(true);
    input.write('---\n');
    expect(await events.next()).toMatchObject({ object: { metadata: { name: 'a' } } });
    input.end();
    expect(await events.next()).toBe('done');
  });
});
