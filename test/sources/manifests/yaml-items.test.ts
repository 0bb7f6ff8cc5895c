import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify, type ToStringOptions } from 'yaml';
import { readPaths } from '../../../src/sources/manifests/index.js';
import { quickItems } from '../../../src/sources/manifests/yaml-quick-items.js';
import { offsetLines, preciseItemPieces, yamlItemPieces } from '../../../src/sources/manifests/yaml-text.js';
import { filePosition, withTempDir } from '../helpers.js';

/** What the `yaml` package makes of item text: values with the line and column of each item, or its problems. */
function precise(text: string): unknown[] {
  return preciseItemPieces(text, offsetLines(1), 1).map((piece) =>
    piece.kind === 'list-item' ? { value: piece.value, line: piece.at.line, column: piece.at.column } : piece,
  );
}

/** Item texts js-yaml reads, each as kubectl or a person may write it. */
const PLAIN_ITEMS: Record<string, string> = {
  'strings that look like other types': [
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  data:',
    '    yes: yes',
    '    on: on',
    '    off: off',
    '    y: n',
    '    hex: 0x1F',
    '    hexUpper: 0xfF',
    '    signedHex: +0x1F',
    '    negativeHex: -0x1F',
    '    octal: 0o17',
    '    leadingZero: 017',
    '    binary: 0b101',
    '    underscores: 1_000',
    '    exponent: 1e3',
    '    exponentUpper: 1E3',
    '    exponentSigned: -1.5e-3',
    '    inf: .inf',
    '    negativeInf: -.inf',
    '    upperInf: +.INF',
    '    nan: .nan',
    '    NaN: .NaN',
    '    date: 2025-01-10',
    '    timestamp: 2025-01-10T08:00:00Z',
    '    sexagesimal: 12:30:00',
    '    version: 1.27.3',
    '    ip: 10.0.0.1',
    '    quantity: 100m',
    '    negativeZero: -0',
    '    plus: +5',
    '    trailingZero: 1.50',
    '    dotFive: .5',
    '    negativeDotFive: -.5',
    '    dotOnly: .',
    '    huge: 12345678901234567890',
    '    capitalTrue: True',
    '    upperTrue: TRUE',
    '    mixedCase: tRUE',
    '    capitalNull: Null',
    '    upperNull: NULL',
    '    mixedNull: nULL',
    '    tilde: ~',
    '    quotedNumber: "8080"',
    "    quotedBool: 'true'",
    '    quotedNull: "null"',
  ].join('\n'),
  'empty values': ['- apiVersion: v1', '  kind: Secret', '  data:', '  stringData: {}', '  type: ""', "  immutable: ''", '  metadata:', '    name: empty', '    labels: {}', '    finalizers: []'].join('\n'),
  'quoted and numeric keys': [
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  data:',
    '    "a key with spaces": 1',
    "    'it''s': 2",
    '    "1": one',
    '    2: two',
    '    0x10: sixteen',
    '    1.50: float key',
    '    true: bool key',
    '    "": empty key',
    '    __proto__: not a prototype',
    '    <<: not a merge in YAML 1.2',
    '    k:{"name":"web"}: managedFields style',
    '    a:b: colon inside',
  ].join('\n'),
  'multi-line strings': [
    '- apiVersion: v1',
    '  kind: ConfigMap',
    '  data:',
    '    literal: |',
    '      line one',
    '        indented & * ! # not special here',
    '',
    '      after a blank line',
    '    strip: |-',
    '      no newline at the end',
    '    keep: |+',
    '      keeps the blank lines',
    '',
    '',
    '    folded: >',
    '      folded',
    '      lines',
    '',
    '      paragraph',
    '    foldedStrip: >-',
    '      a',
    '      b',
    '    plain: a plain',
    '      scalar over',
    '      three lines',
    '    double: "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane:',
    '      }, 2 Insufficient cpu."',
    '    escapedBreak: "no space \\',
    '      here"',
    "    single: 'it''s",
    "      on two lines'",
    '    blankInside: "a',
    '',
    '      b"',
    '    escapes: "tab\\tquote\\" \\u00e9 \\x41 \\N \\_ \\/ \\e \\a \\0 end"',
    '    unicode: "日本語 ü"',
  ].join('\n'),
  'comments and blank lines': [
    '- # the first pod',
    '  apiVersion: v1   # trailing',
    '',
    '  kind: Pod',
    '  # a comment line',
    '  metadata:',
    '    name: web#1',
    '    annotations:',
    '      note: "a # inside quotes"',
    '      url: http://example.com/#anchor',
  ].join('\n'),
  'flow collections': [
    '- apiVersion: v1',
    '  kind: Pod',
    '  metadata: {name: web, labels: {app: web, tier: "1"}}',
    '  spec:',
    '    containers: [{name: web, image: "nginx:1.27", args: ["--port", 8080, on, null]},',
    '      {name: sidecar, image: envoy}]',
    '    tolerations: [',
    '      {key: a, operator: Exists}',
    '      ]',
    '    pairs: [a: 1, b: 2]',
    '    loneKey: {a}',
    '    nested: [[1, 2], [3, [4]], {}]',
  ].join('\n'),
  'a kubectl pod with managedFields': [
    '- apiVersion: v1',
    '  kind: Pod',
    '  metadata:',
    '    creationTimestamp: "2025-01-10T08:00:00Z"',
    '    managedFields:',
    '    - apiVersion: v1',
    '      fieldsType: FieldsV1',
    '      fieldsV1:',
    '        f:metadata:',
    '          f:labels:',
    '            .: {}',
    '            f:app: {}',
    '        f:spec:',
    '          f:containers:',
    '            k:{"name":"web"}:',
    '              .: {}',
    '              f:ports:',
    '                k:{"containerPort":8080,"protocol":"TCP"}: {}',
    '      manager: kube-controller-manager',
    '      operation: Update',
    '    name: web-0',
    '    resourceVersion: "100000"',
    '  spec:',
    '    containers:',
    '    - command:',
    '      - /bin/sh',
    '      - -c',
    '      - |',
    '        if ! test -f /ready; then echo "a && b" > /tmp/x; fi',
    '        ls * | grep &x',
    '      image: registry.example.com/shop/web:1.27.3',
    '      name: web',
  ].join('\n'),
  'nested and scalar items': ['- - a', '  - - b', '    - c', '- plain item', '- "quoted item"', '- 42', '- [x, y]', '- {k: v}', '-', '- ~', '-   # nothing but a comment', '-', '  key: on the next line'].join('\n'),
  'items indented under items:': ['  - apiVersion: v1', '    kind: Namespace', '    metadata:', '      name: a', '  - apiVersion: v1', '    kind: Namespace', '    metadata: {name: b}'].join('\n'),
};

/** Item texts js-yaml reads differently from `yaml`, or accepts where `yaml` reports an error. */
const YAML_ONLY_ITEMS: Record<string, string> = {
  'an anchor and an alias': '- metadata:\n    labels: &labels {app: web}\n  spec:\n    selector: *labels',
  'an alias bomb': ['- a: &a [x, x, x, x, x, x, x, x, x, x]', '  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', '  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', '  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n'),
  'a standard tag': '- data:\n    port: !!str 8080',
  'a custom tag': '- data:\n    port: !custom 8080',
  'the non-specific tag': '- data:\n    port: ! 8080',
  'an explicit key': '- ? a\n  : b',
  'a sequence as a key': '- [a, b]: c',
  'a mapping as a key': '- {a: 1}: c',
  'a key in a flow mapping that is a sequence': '- {[a, b]: c}',
  'a null key': '- null: x',
  'a tilde key': '- ~: x',
  'an empty key': '- : x',
  'a null key without value in a flow mapping': '- {a: 1, null}',
  'a null key on its own line in a flow mapping': '- {a: 1,\n   null\n  }',
  'duplicate keys': '- metadata:\n    name: a\n    name: b',
  'duplicate keys that differ only in quotes': '- data:\n    a: 1\n    "a": 2',
  'an implicit key longer than 1024 characters': `- ${'k'.repeat(1100)}: v`,
  'a multi-line quoted value not indented past its key': '- metadata:\n    name: "web\n    0"',
  'a flow sequence not indented past its key': '- args: [a,\n  b]',
  'a comment right after a closing quote': '- name: "web"#comment',
  'an escaped line break before a blank line': '- note: "a\\\n\n    b"',
  'a block scalar with an indentation indicator': '- note: |2\n     indented text',
  'more-indented blank lines before a block scalar': '- note: |\n        \n    text',
  'a block scalar of blank lines': '- note: >\n       \n  # comment',
  'an empty nested entry': '- - a\n  - - \n  - b: c',
  'an empty entry inside the item': '- - - true\n    - \n  - false',
  'a line left of the items': '  - a: 1\n- - b',
  'a document end marker': '- a: 1\n...\n- b',
  'a comment left of a key, then its plain value below': '- a:\n  # c\n\n    v\n  c: 1',
  'a comment left of an empty item, then its plain value below': '-\n# c\n  v\n- c',
  'a tab': '- a:\t1',
  'an unterminated quote': '- metadata:\n    name: "web',
  'a reserved character': '- name: @web',
  'a key without a value': '- apiVersion: v1\n  kind',
};

describe('reading YAML list items fast', () => {
  it.each(Object.entries(PLAIN_ITEMS))('reads %s with js-yaml to what the yaml package reads', (_name, text) => {
    const quick = quickItems(text);
    expect(quick).toBeDefined();
    const values = precise(text);
    expect(values.length).toBeGreaterThan(0);
    expect(quick).toEqual(values);
    expect(yamlItemPieces(text, offsetLines(1), 1)).toEqual(preciseItemPieces(text, offsetLines(1), 1));
  });

  it('keeps YAML 1.2 scalars as Kubernetes reads them', () => {
    const [item] = quickItems(PLAIN_ITEMS['strings that look like other types']!) ?? [];
    const data = (item?.value as { data: Record<string, unknown> }).data;
    expect(data).toMatchObject({ yes: 'yes', on: 'on', off: 'off', y: 'n', date: '2025-01-10', timestamp: '2025-01-10T08:00:00Z', sexagesimal: '12:30:00' });
    expect(data).toMatchObject({ underscores: '1_000', binary: '0b101', signedHex: '+0x1F', negativeHex: '-0x1F', leadingZero: 17, version: '1.27.3' });
    expect(data).toMatchObject({ hex: 31, octal: 15, exponent: 1000, inf: Infinity, negativeInf: -Infinity, negativeDotFive: -0.5, plus: 5, trailingZero: 1.5 });
    expect(Object.is(data.negativeZero, -0)).toBe(true);
    expect(data.nan).toBeNaN();
    expect(data).toMatchObject({ capitalTrue: true, upperTrue: true, mixedCase: 'tRUE', capitalNull: null, upperNull: null, tilde: null, mixedNull: 'nULL', quotedNumber: '8080', quotedBool: 'true' });
  });

  it.each(Object.entries(YAML_ONLY_ITEMS))('leaves %s to the yaml package', (_name, text) => {
    expect(quickItems(text)).toBeUndefined();
    expect(yamlItemPieces(text, offsetLines(1), 1)).toEqual(preciseItemPieces(text, offsetLines(1), 1));
  });

  it('places several items of one text at their own lines and columns', () => {
    const text = PLAIN_ITEMS['nested and scalar items']!;
    expect(quickItems(text)?.map((item) => [item.line, item.column])).toEqual([
      [1, 3],
      [4, 3],
      [5, 3],
      [6, 3],
      [7, 3],
      [8, 3],
      [9, 2],
      [10, 3],
      [11, 5],
      [13, 3],
    ]);
  });

  it('gives the same values and positions as the yaml package on generated and damaged items', () => {
    const random = seeded(20250110);
    let compared = 0;
    let quick = 0;
    for (let i = 0; i < 1500; i++) {
      const text = generatedItems(random);
      const damaged = random() < 0.5 ? damage(text, random) : text;
      if (!/^ *-(?: |$)/.test(damaged)) continue;
      compared++;
      const items = quickItems(damaged);
      if (!items) continue;
      quick++;
      expect(items, damaged).toEqual(precise(damaged));
    }
    expect(compared).toBeGreaterThan(1000);
    expect(quick).toBeGreaterThan(compared / 3);
  });

  it('gives the same values and positions as the yaml package on items of random lines', () => {
    const random = seeded(1024);
    let quick = 0;
    for (let i = 0; i < 20000; i++) {
      const text = randomLines(random);
      const items = quickItems(text);
      if (!items) continue;
      quick++;
      expect(items, text).toEqual(precise(text));
    }
    expect(quick).toBeGreaterThan(500);
  });
});

describe('reading a large YAML list from a file', () => {
  it('reads every item to the objects yaml.parse finds in the whole file, with LF or CRLF line ends', async () => {
    const items = Object.values(PLAIN_ITEMS).filter((text) => !text.startsWith('  '));
    const text = ['apiVersion: v1', 'items:', ...items, 'kind: List', ''].join('\n');
    const expected = (parse(text) as { items: unknown[] }).items.filter(isKubernetesObject).map(withoutManagedFields);
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'lf.yaml'), text);
      await writeFile(join(dir, 'crlf.yaml'), text.replace(/\n/g, '\r\n'));
      const lf = await readPaths([join(dir, 'lf.yaml')]);
      const crlf = await readPaths([join(dir, 'crlf.yaml')]);
      expect(lf.problems).toEqual([]);
      expect(lf.objects.map((o) => o.object)).toEqual(expected);
      expect(crlf.objects.map((o) => o.object)).toEqual(expected);
      expect(crlf.objects.map((o) => filePosition(o.provenance).line)).toEqual(lf.objects.map((o) => filePosition(o.provenance).line));
    });
  });

  it('reports a duplicate key in a list item at its line, as the yaml package does', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'dup.yaml');
      await writeFile(file, 'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n    name: b\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: c}\nkind: List\n');
      const inputs = await readPaths([file]);
      expect(inputs.objects.map((o) => o.object.metadata?.name)).toEqual(['c']);
      expect(inputs.problems.map((p) => [p.provenance.line, p.message])).toEqual([[7, 'invalid YAML: Map keys must be unique']]);
    });
  });
});

function isKubernetesObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'apiVersion' in value && 'kind' in value;
}

function withoutManagedFields(value: unknown): unknown {
  const object = value as { metadata?: Record<string, unknown> };
  if (object.metadata) delete object.metadata.managedFields;
  return object;
}

/** mulberry32: the same numbers on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATOMS = ['on', 'yes', '0x1F', '1e3', '.inf', '.nan', '2025-01-10', '1_000', '-0', '-.5', '1.50', 'null', '~', '', 'true', 'False', 'a: b', 'a #b', '- x', '[a]', '&x', '*x', '!x', '? x', "it's", 'say "hi"', 'tab\there', 'two\nlines', 'end\n', 'é日本', `${'x'.repeat(70)} ${'y'.repeat(40)}`, 'back\\slash', '%x', '@x', 'k:{"a":1}'];
const KEYS = ['name', 'value', 'x.y/z', 'key with space', 'on', '1', 'true', '-x', 'f:spec'];
const STYLES: ToStringOptions[] = [
  {},
  { indentSeq: false },
  { defaultStringType: 'QUOTE_DOUBLE' },
  { defaultStringType: 'QUOTE_SINGLE' },
  { defaultStringType: 'BLOCK_LITERAL' },
  { defaultStringType: 'BLOCK_FOLDED' },
  { lineWidth: 20, minContentWidth: 5 },
  { collectionStyle: 'flow', lineWidth: 30 },
  { defaultKeyType: 'QUOTE_DOUBLE' },
  { indent: 4 },
];

function pick<T>(random: () => number, list: T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function generatedValue(random: () => number, depth: number): unknown {
  const r = random();
  if (depth > 3 || r < 0.45) {
    const s = random();
    if (s < 0.6) return pick(random, ATOMS);
    if (s < 0.7) return Math.floor(random() * 1e6) * (random() < 0.5 ? -1 : 1);
    if (s < 0.8) return random() < 0.5;
    if (s < 0.85) return null;
    return pick(random, ATOMS) + pick(random, ATOMS);
  }
  if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => generatedValue(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let n = Math.floor(random() * 5); n > 0; n--) object[pick(random, KEYS)] = generatedValue(random, depth + 1);
  return object;
}

function generatedItems(random: () => number): string {
  const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => generatedValue(random, 0));
  const text = stringify(items, { ...pick(random, STYLES), ...(random() < 0.5 ? pick(random, STYLES) : {}) });
  return random() < 0.3 ? text.replace(/\n(?=.)/g, '\n  ').replace(/^/, '  ') : text;
}

const LINE_KEYS = ['a', 'b', '"q"', "'s'", 'k:{"x":1}', 'x y', '1', 'true'];
const LINE_VALUES = ['v', '1', '"d q"', "'s q'", '[x, y]', '{m: 1}', '[]', '{}', '|', '>', '|-', '', '"multi', "'multi", '[x,', '{m: 1,', 'a b', '#c', '- x', 'null', '~', '0x1F', 'on'];
const LINE_CONTINUATIONS = ['cont', 'line"', "line'", 'x]', 'n: 2}', 'z', '', '  '];

/** An item of lines with random indentation, entries, keys and values: mostly invalid, some valid in odd ways. */
function randomLines(random: () => number): string {
  const lines = [`- ${random() < 0.7 ? `${pick(random, LINE_KEYS)}: ` : ''}${pick(random, LINE_VALUES)}`];
  for (let n = 2 + Math.floor(random() * 8); n > 0; n--) {
    const indent = ' '.repeat(random() < 0.8 ? pick(random, [2, 4, 6, 8]) : Math.floor(random() * 9));
    const r = random();
    if (r < 0.06) lines.push(indent + pick(random, LINE_CONTINUATIONS));
    else if (r < 0.11) lines.push(`${indent}# comment`);
    else if (r < 0.16) lines.push('');
    else {
      let line = indent;
      for (let d = random() < 0.4 ? Math.floor(random() * 3) : 0; d > 0; d--) line += `-${' '.repeat(1 + Math.floor(random() * 2))}`;
      line += random() < 0.75 ? `${pick(random, LINE_KEYS)}:${random() < 0.8 ? ` ${pick(random, LINE_VALUES)}` : ''}` : pick(random, LINE_VALUES);
      lines.push(line);
    }
  }
  return lines.join('\n');
}

const DAMAGE = ['null', '~', ': ', '- ', '\\', '\n\n', '- - ', '  ', ' ', '\n', ':', '-', '#', '"', "'", '[', ']', '{', '}', ',', '|', '>', '&', '*', '!', '?', 'a', '0'];

/** Inserts, deletes and re-indents at random places. */
function damage(text: string, random: () => number): string {
  let out = text;
  for (let n = 1 + Math.floor(random() * 2); n > 0; n--) {
    const at = Math.floor(random() * out.length);
    const op = random();
    if (op < 0.4) out = out.slice(0, at) + pick(random, DAMAGE) + out.slice(at);
    else if (op < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 3));
    else {
      const lines = out.split('\n');
      const i = Math.floor(random() * lines.length);
      lines[i] = random() < 0.5 ? ` ${lines[i]}` : lines[i]!.replace(/^ /, '');
      out = lines.join('\n');
    }
  }
  return out;
}
