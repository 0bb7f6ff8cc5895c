import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { readPaths, streamManifests, type ManifestEvent } from '../../../src/sources/manifests/index.js';
import { composeYaml } from '../../../src/text/yaml-compose.js';
import { doubleQuotedValue } from '../../../src/text/yaml-double-quoted.js';
import type { Inputs } from '../../../src/sources/types.js';
import { filePosition, placed, withTempDir } from '../helpers.js';

async function readText(name: string, content: string | Buffer): Promise<Inputs> {
  return withTempDir(async (dir) => {
    const file = join(dir, name);
    await writeFile(file, content);
    const inputs = await readPaths([file]);
    // Paths differ per run: keep the file name only.
    for (const p of inputs.problems) p.provenance.file = name;
    return inputs;
  });
}

function problems(inputs: Inputs): string[] {
  return inputs.problems.map((p) => `${p.provenance.line}:${p.provenance.column} ${p.message}`);
}

async function collect(chunks: AsyncIterable<Buffer | string> | Buffer): Promise<ManifestEvent[]> {
  const events: ManifestEvent[] = [];
  for await (const event of streamManifests(Buffer.isBuffer(chunks) ? whole(chunks) : chunks)) events.push(event);
  return events;
}

async function* whole(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

async function* byteByByte(bytes: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

/** mulberry32: the same numbers on every machine. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

const NODE = (name: string) => `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${name}\n`;

describe('a document the reader cannot take whole', () => {
  it('keeps reading the documents after one whose metadata is a scalar', async () => {
    const inputs = await readText('m.yaml', `apiVersion: v1\nkind: Node\nmetadata: hello\n---\n${NODE('after')}---\n${NODE('last')}`);
    expect(inputs.gaps).toEqual([]);
    expect(inputs.objects.map((o) => [o.object.metadata, filePosition(o.provenance).line])).toEqual([
      ['hello', 1],
      [{ name: 'after' }, 5],
      [{ name: 'last' }, 10],
    ]);
  });

  it('reports a List whose items are not a list instead of reading it as one object', async () => {
    const inputs = await readText('l.yaml', `apiVersion: v1\nkind: List\nitems:\n  a: 1\n---\n${NODE('after')}`);
    expect(problems(inputs)).toEqual(['1:1 this List has items that are a mapping, not a list; none of it was read']);
    expect(placed(inputs)).toEqual(['Node after @ 6:1']);
  });
});

describe('YAML the yaml package refuses', () => {
  it('is a parse error when a block sequence at the top is followed by a mapping', async () => {
    const text = '- a\n- b\nkey: value\n';
    const inputs = await readText('s.yaml', text);
    const whole = parseAllDocuments(text, { prettyErrors: false });
    const error = (Array.isArray(whole) ? whole : [])[0]!.errors[0]!;
    expect(problems(inputs)).toEqual([`3:1 invalid YAML: ${error.message}`]);
  });

  it('is a parse error when a sequence entry stands left of the items', async () => {
    const inputs = await readText('s.yaml', `apiVersion: v1\nkind: List\nitems:\n  - ${'apiVersion: v1\n    kind: Namespace\n    metadata: {name: a}'}\n- b\n`);
    expect(inputs.problems).toHaveLength(1);
    expect(inputs.problems[0]!.message).toMatch(/^invalid YAML: /);
    expect(inputs.problems[0]!.provenance.line).toBe(7);
  });
});

describe('mapping keys that are collections', () => {
  it.each([
    ['an explicit key', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: odd}\ndata:\n  ? [a, b]\n  : c\n', '5:5'],
    ['a flow mapping key in a list item', '- apiVersion: v1\n  kind: ConfigMap\n  data: {[a, b]: c}\n', '3:10'],
    ['an alias to a mapping', 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: odd}\ndata:\n  *m : c\n', '5:3'],
  ])('are refused as kubectl refuses them: %s', async (_, text, at) => {
    const inputs = await readText('k.yaml', `${text}---\n${NODE('after')}`);
    expect(problems(inputs)).toEqual([`${at} a mapping key is a sequence or a mapping; Kubernetes objects have string keys`]);
    expect(inputs.objects.map((o) => o.object.metadata?.name)).toEqual(['after']);
  });
});

describe('anchors defined in one list item and used in a later one', () => {
  // As PyYAML (yaml.dump of a list whose items share a dict) and yq write them.
  const dump = [
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  metadata:',
    '    labels: &id001',
    '      app: web',
    '    name: one',
    '  data: &id002 {a: "1"}',
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  metadata:',
    '    labels: *id001',
    '    name: two',
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  metadata:',
    '    labels: &id001',
    '      app: db',
    '    name: three',
    '  data: &id003',
    '    nested: *id002',
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  metadata:',
    '    labels: *id001',
    '    name: four',
    '  data: *id003',
    'metadata:',
    '  resourceVersion: ""',
  ].join('\n');

  it('resolves them to the values the whole document has, at each item\'s place', async () => {
    const inputs = await readText('a.yaml', `${dump}\n`);
    expect(inputs.problems).toEqual([]);
    const whole = parse(dump) as { items: unknown[] };
    expect(inputs.objects.map((o) => o.object)).toEqual(whole.items);
    expect(placed(inputs)).toEqual(['ConfigMap one @ 4:3', 'ConfigMap two @ 11:3', 'ConfigMap three @ 16:3', 'ConfigMap four @ 24:3']);
    // The redefined anchor: the later items see the latest definition before them.
    expect(inputs.objects.map((o) => o.object.metadata?.labels)).toEqual([{ app: 'web' }, { app: 'web' }, { app: 'db' }, { app: 'db' }]);
    expect(inputs.objects[3]!.object.data).toEqual({ nested: { a: '1' } });
  });

  it('resolves them in a document that is a sequence, read a byte at a time', async () => {
    const text = dump.split('\n').slice(3, 29).join('\n') + '\n';
    const events = await collect(byteByByte(Buffer.from(text)));
    const objects = events.flatMap((e) => (e.type === 'object' ? [e.object] : []));
    expect(events.filter((e) => e.type === 'problem')).toEqual([]);
    expect(objects).toEqual(parse(text));
  });

  it('still reports an alias to an anchor that no earlier item defines, at its item', async () => {
    const inputs = await readText('u.yaml', '- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: *nowhere\n');
    expect(placed(inputs)).toEqual(['ConfigMap a @ 1:3']);
    expect(problems(inputs)).toEqual(['4:1 invalid YAML: Unresolved alias (the anchor must be set before the alias): nowhere']);
  });

  it('counts aliases through earlier items against the limit on alias expansion', async () => {
    const items = ['- &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [name, of] of [['b', 'a'], ['c', 'b'], ['d', 'c']]) items.push(`- &${name} [${Array(10).fill(`*${of}`).join(', ')}]`);
    const inputs = await readText('bomb.yaml', `${items.join('\n')}\n`);
    expect(problems(inputs).at(-1)).toBe('4:1 invalid YAML: Excessive alias count indicates a resource exhaustion attack');
  });
});

describe('UTF-16 and UTF-32', () => {
  const text = `${NODE('worker-1')}---\n${NODE('wörker-2')}`;
  const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
  const cases: [string, Buffer][] = [
    ['UTF-16LE with a byte order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16LE without one', Buffer.from(text, 'utf16le')],
    ['UTF-16BE with a byte order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])],
    ['UTF-16BE without one', utf16be(text)],
  ];

  it.each(cases)('reads %s as UTF-8 is read, whole or a byte at a time', async (_, bytes) => {
    const utf8 = await collect(byteByByte(Buffer.from(text)));
    expect(utf8.map((e) => e.type)).toEqual(['object', 'object']);
    expect(await collect(bytes)).toEqual(utf8);
    expect(await collect(byteByByte(bytes))).toEqual(utf8);
  });

  it('reads UTF-16 JSON without a byte order mark', async () => {
    const json = '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}';
    expect(await collect(utf16be(json))).toEqual(await collect(Buffer.from(json)));
  });

  it('names UTF-32 as an encoding it does not read', async () => {
    const bytes = Buffer.alloc(text.length * 4);
    [...text].forEach((ch, i) => bytes.writeUInt32LE(ch.codePointAt(0)!, i * 4));
    const inputs = await readText('u32.yaml', bytes);
    expect(problems(inputs)).toEqual(['1:1 the file is UTF-32LE text; kcheck reads UTF-8 and UTF-16: convert it with iconv -f UTF-32LE -t UTF-8']);
  });

  it('still calls UTF-16 with NUL characters binary', async () => {
    const inputs = await readText('b.yaml', Buffer.from('ab\0c', 'utf16le'));
    expect(inputs.skipped.map((s) => s.reason)).toEqual(['binary file (contains NUL characters), not YAML or JSON']);
  });
});

describe('deep nesting', () => {
  const DEEP = 100_000;
  const tooDeep = 'collections nested more than 256 levels deep; kcheck reads no deeper';
  const LIST_HEAD = '{"kind": "List", "apiVersion": "v1", "items": [';

  it.each([
    ['a YAML flow sequence', 'a.yaml', `kind: x\na: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`, `2:259 ${tooDeep}`],
    ['an unclosed YAML flow sequence', 'b.yaml', `a: ${'['.repeat(DEEP)}\n`, `1:259 ${tooDeep}`],
    ['YAML flow mappings in a list item', 'c.yaml', `apiVersion: v1\nkind: List\nitems:\n- ${'{a: '.repeat(DEEP)}1${'}'.repeat(DEEP)}\n`, `4:1023 ${tooDeep}`],
    ['JSON arrays', 'd.json', `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`, `1:257 ${tooDeep}`],
    ['unclosed JSON arrays', 'e.json', '['.repeat(DEEP), `1:257 ${tooDeep}`],
    // The list is 2 levels, so the 255th mapping of the item is the 257th level.
    ['a JSON list item', 'f.json', `${LIST_HEAD}${'{"a": '.repeat(DEEP)}1${'}'.repeat(DEEP)}]}`, `1:${LIST_HEAD.length + 1 + 254 * 6} ${tooDeep}`],
  ])('in %s is one message where it gets too deep', async (_, name, text, expected) => {
    const inputs = await readText(name, text);
    expect(problems(inputs)).toEqual([expected]);
  });

  it('in YAML block mappings is one message at the mapping that is too deep, and the next document is read', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`);
    const inputs = await readText('g.yaml', `${lines.join('\n')} 1\n---\n${NODE('after')}`);
    expect(problems(inputs)).toEqual([`257:257 ${tooDeep}`]);
    expect(placed(inputs)).toEqual(['Node after @ 3002:1']);
  });

  it('in a list item the fast reader would take is found by the precise one', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `${' '.repeat(2 + i)}k${i}:`);
    const inputs = await readText('h.yaml', `- apiVersion: v1\n  kind: ConfigMap\n${lines.join('\n')} 1\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: ok}\n`);
    expect(problems(inputs)).toEqual([`258:258 ${tooDeep}`]);
    expect(placed(inputs)).toEqual(['Namespace ok @ 303:3']);
  });

  it('up to the limit is read', async () => {
    const inputs = await readText('i.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx: ${'['.repeat(254)}${']'.repeat(254)}\n`);
    expect(inputs.problems).toEqual([]);
    expect(placed(inputs)).toEqual(['ConfigMap deep @ 1:1']);
  });
});

describe('long double-quoted scalars', () => {
  /** A double-quoted scalar's text: runs of letters with everything the resolver treats specially between them. */
  function scalarText(random: () => number): string {
    const pieces = ['\\n', '\\t', '\\\\', '\\"', '\\x41', '\\u00e9', '\\U0001F600', '\\ ', '\\/', '\\N', '\\_', '\\\n    ', '\\\r\n  ', ' ', '\t', '  \n', '\n\n', '\n  \n ', '\r\n', '\r', ' \t\n', '\\q', '\\xZZ', '\\U99999999', 'é', '日本'];
    let out = '';
    while (out.length < 1500) {
      out += 'abcdefghij'.slice(0, 1 + Math.floor(random() * 10));
      out += pieces[Math.floor(random() * pieces.length)];
    }
    return out;
  }

  it('have the value and errors the yaml package gives them, wherever they stand', () => {
    const random = seeded(13);
    for (let i = 0; i < 200; i++) {
      const body = scalarText(random);
      const text = [
        `data:\n  k: "${body}"\n`,
        `- "${body}"\n`,
        `"${body}"\n`,
        `a: [x, "${body}", {b: "${body}"}]\n`,
        `k: &anchor "${body}"\nl: *anchor\n`,
        `unterminated: "${body}`,
      ][i % 6]!;
      const expected = parseAllDocuments(text, { prettyErrors: false });
      const actual = composeYaml(text).docs;
      const docs = Array.isArray(expected) ? expected : [];
      expect(actual.map((d) => d.errors.map((e) => [e.code, e.message, e.pos[0]])), text).toEqual(docs.map((d) => d.errors.map((e) => [e.code, e.message, e.pos[0]])));
      expect(actual.map((d) => d.toJS()), text).toEqual(docs.map((d) => d.toJS()));
    }
  });

  it('resolve as the yaml package resolves them, error offsets included', () => {
    const random = seeded(29);
    for (let i = 0; i < 300; i++) {
      const source = `"${scalarText(random)}"`;
      const errors: [string, number][] = [];
      const value = doubleQuotedValue(source, (at, code) => errors.push([code, at]));
      const doc = parseAllDocuments(`${source}\n`, { prettyErrors: false });
      const first = (Array.isArray(doc) ? doc : [])[0]!;
      expect(value, source).toBe(first.toJS());
      expect(errors, source).toEqual(first.errors.map((e) => [e.code, e.pos[0]]));
    }
  });

  it('keep their tag: a !!binary scalar is still decoded', () => {
    const base64 = Buffer.alloc(3000, 7).toString('base64');
    const text = `data: !!binary "${base64}"\n`;
    const [doc] = composeYaml(text).docs;
    expect(doc!.toJS()).toEqual(parse(text));
    expect(Buffer.from((doc!.toJS() as { data: Uint8Array }).data)).toEqual(Buffer.alloc(3000, 7));
  });
});
