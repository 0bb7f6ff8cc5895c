import { parseAllDocuments, stringify } from 'yaml';
import { quietly } from './oracle.js';
import type { Rng } from './prng.js';

/**
 * Mutations of fixture files: bytes, tokens, lines, YAML/JSON structure
 * (with Kubernetes-aware field changes), nesting depth, and encodings. Every
 * choice comes from the Rng, so a seed names one mutated file exactly.
 */

export type FileRole = 'manifest' | 'config' | 'pem' | 'binary' | 'text';

export interface Mutation {
  bytes: Buffer;
  /** What was done, in order, for the report of a failing run. */
  ops: string[];
  /**
   * Set when the last step only re-encoded the text (BOM, UTF-16, CRLF):
   * the UTF-8 text before it, which kcheck must read the same way.
   */
  sameAs?: Buffer;
}

const MAX_BYTES = 256 * 1024;

/** Strings that have broken parsers, formatters and terminals before. */
const PAYLOADS: readonly string[] = [
  'a\nb',
  'x\r\n::error file=a.yaml,line=1::injected',
  '::add-mask::secret',
  '::set-output name=x::y',
  '\u001b[31mred\u001b[0m',
  '\u001b]8;;https://example.invalid\u0007link\u001b]8;;\u0007',
  '\u202eevil\u202c',
  'a|b|c',
  '`backtick`',
  '<script>alert(1)</script>',
  '[x](javascript:alert(1))',
  '# heading',
  '${{ secrets.TOKEN }}',
  '../../../../etc/passwd',
  'nul\u0000byte',
  '\ud800lone',
  '🙂',
  'e\u0301',
  ' leading and trailing ',
  '',
  'x'.repeat(5000),
];

/** Values a field can be changed to: every YAML type, edge numbers and versions. */
function hostileValue(rng: Rng): unknown {
  return rng.weighted<() => unknown>([
    [3, () => null],
    [2, () => rng.pick([true, false])],
    [3, () => rng.pick([0, -1, 5, 1.5, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 1e308, -1e308, 5e-324])],
    [3, () => rng.pick(['v1.9999999999999999999.0', 'v1.33.-1', 'v1.33', '1.33', 'v2', 'v1.3e5.0', 'v0.0.0', 'v1.33.0-rc.1+build', 'vv1.2.3', 'v1.28.0\n'])],
    [4, () => rng.pick(PAYLOADS)],
    [2, () => []],
    [2, () => ({})],
    [2, () => [rng.pick(PAYLOADS), 5, null]],
    [2, () => ({ a: { b: [1, { c: null }] } })],
    [1, () => nest(rng.range(5, 40), rng.chance(0.5))],
    [1, () => '5'],
    [1, () => 5],
  ])();
}

function nest(depth: number, asList: boolean): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i += 1) value = asList ? [value] : { a: value };
  return value;
}

// Kubernetes fields the model reads; changing their type is where readers break.
const FIELD_PATHS: readonly string[][] = [
  ['metadata'],
  ['metadata', 'name'],
  ['metadata', 'namespace'],
  ['metadata', 'uid'],
  ['metadata', 'annotations'],
  ['metadata', 'labels'],
  ['metadata', 'ownerReferences'],
  ['metadata', 'ownerReferences', '0'],
  ['metadata', 'ownerReferences', '0', 'kind'],
  ['metadata', 'ownerReferences', '0', 'name'],
  ['metadata', 'ownerReferences', '0', 'controller'],
  ['metadata', 'creationTimestamp'],
  ['metadata', 'deletionTimestamp'],
  ['kind'],
  ['apiVersion'],
  ['spec'],
  ['spec', 'nodeName'],
  ['spec', 'containers'],
  ['spec', 'containers', '0'],
  ['spec', 'containers', '0', 'image'],
  ['spec', 'containers', '0', 'command'],
  ['spec', 'containers', '0', 'command', '0'],
  ['spec', 'containers', '0', 'volumeMounts'],
  ['spec', 'containers', '0', 'resources'],
  ['spec', 'volumes'],
  ['spec', 'volumes', '0', 'hostPath'],
  ['spec', 'volumes', '0', 'hostPath', 'path'],
  ['spec', 'selector'],
  ['spec', 'selector', 'matchLabels'],
  ['spec', 'minAvailable'],
  ['spec', 'maxUnavailable'],
  ['spec', 'replicas'],
  ['spec', 'template'],
  ['spec', 'template', 'spec'],
  ['spec', 'taints'],
  ['spec', 'unschedulable'],
  ['spec', 'tolerations'],
  ['spec', 'versions'],
  ['spec', 'versions', '0'],
  ['spec', 'versions', '0', 'name'],
  ['status'],
  ['status', 'phase'],
  ['status', 'conditions'],
  ['status', 'nodeInfo'],
  ['status', 'nodeInfo', 'kubeletVersion'],
  ['status', 'nodeInfo', 'kubeProxyVersion'],
  ['status', 'allocatable'],
  ['status', 'allocatable', 'cpu'],
  ['items'],
  ['kubernetesVersion'],
  ['etcd'],
  ['etcd', 'local', 'dataDir'],
  ['clientVersion'],
  ['serverVersion'],
  ['serverVersion', 'gitVersion'],
  ['rules'],
  ['ignore'],
  ['target'],
  ['failOn'],
  ['backups'],
];

const ANNOTATION_KEYS: readonly string[] = [
  'ignore.kcheck.io/kubelet-version-skew',
  'ignore.kcheck.io/unsupported-version',
  'ignore.kcheck.io/drain-pdb-blocks',
  'ignore.kcheck.io/all',
  'kubernetes.io/config.mirror',
  'kubernetes.io/config.source',
];

// Tokens dropped into text: YAML syntax, tags, anchors, edge numbers.
const TOKENS: readonly string[] = [
  '---', '...', '-', '- ', ':', ': ', '? ', '[', ']', '{', '}', ',', '#', '|', '|-', '>', '>+', '"', "'", '&a', '*a', '&id001', '*id001',
  '<<: *a', '!!binary', '!!str', '!!int', '!!map', '!!seq', '!custom', '!', '%YAML 1.1', '%TAG ! tag:x,2000:', '~', 'null', 'true', 'yes', 'on',
  '1e400', '-0', '.nan', '.inf', '-.inf', '0x1F', '0o17', '1_000', '99999999999999999999999', '1.7976931348623157e309', '18446744073709551616',
  'v1.9999999999999999999.0', '\t', '\r', '\n', '\\', '\\u0000', '"\\ud800"', '\u2028', '\u0085', '\ufeff', 'items:', 'kind: List', 'apiVersion: v1',
  'metadata: x', 'metadata:', 'name: 5', 'annotations: ~', 'ownerReferences: 7', '\u202e', '\u001b[2J',
];

const LINES: readonly string[] = [
  '---', '...', 'items:', '- ', '- a', 'kind: List', 'apiVersion: v1', '%YAML 1.1', '%YAML 1.2', '%TAG !e! tag:example.com,2000:',
  '<<: *a', 'a: &a {x: 1}', '- &id001 {a: 1}', '- *id001', '? complex key', ': value', '!!binary |', '  AAAA', '\tkey: tab',
  'metadata: 5', 'metadata: [1, 2]', 'metadata: ~', '  annotations: ~', '  annotations: 5', '  ownerReferences: {kind: x}', '  name: 5',
  '  name: [a, b]', '  namespace: {a: 1}', '  ignore.kcheck.io/unsupported-version: ~', 'x: |', '  a\\nb', '"unterminated',
  "'unterminated", '{', '[', 'key: "a\\u0000b"', '# comment', '', ' ', 'a: b: c', '- - - x', 'key:value', '@reserved', '`reserved',
];

function textOf(bytes: Buffer): string {
  return bytes.toString('utf8');
}

function fromText(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

// ---------------------------------------------------------------- bytes

const INTERESTING_BYTES = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x27, 0x2d, 0x3a, 0x5b, 0x7b, 0x7f, 0x80, 0xc3, 0xe2, 0xef, 0xfe, 0xff];

function byteMutation(bytes: Buffer, rng: Rng, donor: Buffer | undefined): [Buffer, string] {
  const at = rng.int(bytes.length + 1);
  return rng.weighted<() => [Buffer, string]>([
    [3, () => {
      if (bytes.length === 0) return [Buffer.from([0x20]), 'byte: insert into empty'];
      const copy = Buffer.from(bytes);
      const i = rng.int(copy.length);
      copy[i] = copy[i]! ^ (1 << rng.int(8));
      return [copy, `byte: flip a bit at ${i}`];
    }],
    [3, () => {
      const inserted = Buffer.from(Array.from({ length: rng.range(1, 4) }, () => (rng.chance(0.7) ? rng.pick(INTERESTING_BYTES) : rng.int(256))));
      return [Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]), `byte: insert ${inserted.toString('hex')} at ${at}`];
    }],
    [2, () => {
      const len = rng.range(1, Math.max(1, Math.min(64, bytes.length - at)));
      return [Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + len)]), `byte: delete ${len} at ${at}`];
    }],
    [2, () => {
      const len = rng.range(1, Math.max(1, Math.min(256, bytes.length - at)));
      const chunk = bytes.subarray(at, at + len);
      return [Buffer.concat([bytes.subarray(0, at + len), chunk, bytes.subarray(at + len)]), `byte: duplicate ${len} at ${at}`];
    }],
    [2, () => [bytes.subarray(0, at), `byte: truncate at ${at}`]],
    [1, () => {
      if (!donor || donor.length === 0) return [bytes, 'byte: no donor'];
      const from = rng.int(donor.length);
      const chunk = donor.subarray(from, from + rng.range(1, 512));
      return [Buffer.concat([bytes.subarray(0, at), chunk, bytes.subarray(at)]), `byte: splice ${chunk.length} donor bytes at ${at}`];
    }],
  ])();
}

// ---------------------------------------------------------------- tokens and lines

const TOKEN = /\r?\n|[ \t]+|[A-Za-z_][\w.\-/]*|[0-9][\w.+-]*|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s]/gu;

function tokenMutation(text: string, rng: Rng): [string, string] {
  const tokens = text.match(TOKEN) ?? [];
  if (tokens.length === 0) return [rng.pick(TOKENS), 'token: empty text gets a token'];
  const i = rng.int(tokens.length);
  const t = tokens[i]!;
  const op = rng.weighted<string>([[4, 'replace'], [2, 'insert'], [2, 'delete'], [1, 'duplicate'], [1, 'swap'], [2, 'number'], [2, 'payload']]);
  switch (op) {
    case 'replace': {
      const by = rng.pick(TOKENS);
      tokens[i] = by;
      return [tokens.join(''), `token: replace ${JSON.stringify(t)} with ${JSON.stringify(by)}`];
    }
    case 'insert': {
      const by = rng.pick(TOKENS);
      tokens.splice(i, 0, by);
      return [tokens.join(''), `token: insert ${JSON.stringify(by)} before token ${i}`];
    }
    case 'delete':
      tokens.splice(i, 1);
      return [tokens.join(''), `token: delete ${JSON.stringify(t)}`];
    case 'duplicate':
      tokens.splice(i, 0, t);
      return [tokens.join(''), `token: duplicate ${JSON.stringify(t)}`];
    case 'swap': {
      const j = rng.int(tokens.length);
      tokens[i] = tokens[j]!;
      tokens[j] = t;
      return [tokens.join(''), `token: swap ${i} and ${j}`];
    }
    case 'number': {
      const numbers = tokens.map((tok, k) => (/^[0-9]/.test(tok) ? k : -1)).filter((k) => k >= 0);
      const k = numbers.length > 0 ? rng.pick(numbers) : i;
      const by = rng.pick(['1e400', '99999999999999999999999', '-0', '18446744073709551617', '1.7976931348623157e309', '0.0000000000000000000001', '.inf', '-1', '0x7fffffffffffffff', '1_0']);
      const old = tokens[k]!;
      tokens[k] = by;
      return [tokens.join(''), `token: number ${JSON.stringify(old)} becomes ${by}`];
    }
    default: {
      // A hostile string where a word was, quoted so the YAML stays valid.
      const words = tokens.map((tok, k) => (/^[A-Za-z_]/.test(tok) ? k : -1)).filter((k) => k >= 0);
      const k = words.length > 0 ? rng.pick(words) : i;
      const payload = JSON.stringify(rng.pick(PAYLOADS));
      const old = tokens[k]!;
      tokens[k] = payload;
      return [tokens.join(''), `token: word ${JSON.stringify(old)} becomes ${payload.slice(0, 60)}`];
    }
  }
}

function lineMutation(text: string, rng: Rng): [string, string] {
  const lines = text.split('\n');
  const i = rng.int(lines.length);
  const op = rng.weighted<string>([[2, 'delete'], [2, 'duplicate'], [1, 'swap'], [2, 'indent'], [2, 'dedent'], [3, 'insert'], [1, 'column0']]);
  const line = lines[i]!;
  switch (op) {
    case 'delete':
      lines.splice(i, 1);
      return [lines.join('\n'), `line: delete ${i + 1}`];
    case 'duplicate':
      lines.splice(i, 0, line);
      return [lines.join('\n'), `line: duplicate ${i + 1}`];
    case 'swap': {
      const j = Math.min(lines.length - 1, i + 1);
      lines[i] = lines[j]!;
      lines[j] = line;
      return [lines.join('\n'), `line: swap ${i + 1} and ${j + 1}`];
    }
    case 'indent': {
      const n = rng.range(1, 4);
      lines[i] = ' '.repeat(n) + line;
      return [lines.join('\n'), `line: indent ${i + 1} by ${n}`];
    }
    case 'dedent': {
      const n = rng.range(1, 4);
      lines[i] = line.replace(new RegExp(`^ {1,${n}}`), '');
      return [lines.join('\n'), `line: dedent ${i + 1} by ${n}`];
    }
    case 'column0':
      lines[i] = line.trimStart();
      return [lines.join('\n'), `line: move ${i + 1} to column 0`];
    default: {
      const indent = /^\s*/.exec(line)?.[0] ?? '';
      const inserted = (rng.chance(0.5) ? indent : '') + rng.pick(LINES);
      lines.splice(i, 0, inserted);
      return [lines.join('\n'), `line: insert ${JSON.stringify(inserted)} before ${i + 1}`];
    }
  }
}

// ---------------------------------------------------------------- nesting

function deepNesting(text: string, rng: Rng): [string, string] {
  const depth = rng.pick([64, 500, 2000, 8000, 40000]);
  const style = rng.pick(['flow-seq', 'flow-map', 'json-map', 'block-seq', 'block-map'] as const);
  let nested: string;
  switch (style) {
    case 'flow-seq':
      nested = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
      break;
    case 'flow-map':
      nested = `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
      break;
    case 'json-map':
      nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      break;
    case 'block-seq':
      nested = `${'- '.repeat(depth)}x`;
      break;
    default: {
      // Indentation grows with depth: keep the text small.
      const d = Math.min(depth, 300);
      nested = Array.from({ length: d }, (_, k) => `${'  '.repeat(k)}a:`).join('\n') + ` x`;
      return insertValue(text, `\n${nested}`, rng, `nesting: block mapping ${d} deep`, true);
    }
  }
  return insertValue(text, nested, rng, `nesting: ${style} ${depth} deep`, false);
}

/** Puts `value` where a value is (after a `key:`), or as a new document when there is none. */
function insertValue(text: string, value: string, rng: Rng, what: string, block: boolean): [string, string] {
  const places: number[] = [];
  const re = /:[ \t]+(?=\S)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) places.push(m.index + m[0].length);
  if (places.length === 0) return [`${text}\n---\nx: ${value}\n`, `${what} (new document)`];
  const at = rng.pick(places);
  // Replace the scalar at that place (up to a comma, bracket or line end).
  const end = /[,}\]\n]|$/.exec(text.slice(at));
  const stop = at + (end ? end.index : 0);
  const indentOfLine = /[^\n]*$/.exec(text.slice(0, at))![0].match(/^ */)![0].length;
  const shifted = block ? value.split('\n').map((l, k) => (k === 0 ? l : ' '.repeat(indentOfLine + 2) + l)).join('\n') : value;
  return [text.slice(0, at) + shifted + text.slice(stop), `${what} at offset ${at}`];
}

// ---------------------------------------------------------------- structure

type Json = unknown;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every path in a value (up to a limit), for picking a node at random. */
function paths(value: Json, limit = 400): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: Json, path: (string | number)[], depth: number): void => {
    if (out.length >= limit || depth > 30) return;
    out.push(path);
    if (Array.isArray(v)) v.forEach((c, i) => walk(c, [...path, i], depth + 1));
    else if (isObject(v)) for (const k of Object.keys(v)) walk(v[k], [...path, k], depth + 1);
  };
  walk(value, [], 0);
  return out;
}

function getAt(root: Json, path: (string | number)[]): Json {
  let v = root;
  for (const k of path) {
    if (Array.isArray(v) || isObject(v)) v = (v as Record<string | number, unknown>)[k];
    else return undefined;
  }
  return v;
}

/** Sets `path` in `root`, creating maps on the way; returns the new root. */
function setAt(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const container: Record<string | number, unknown> = Array.isArray(root) || isObject(root) ? (root as Record<string | number, unknown>) : {};
  container[head] = setAt(container[head], rest, value);
  return container;
}

function deleteAt(root: Json, path: (string | number)[]): Json {
  if (path.length === 0) return null;
  const parent = getAt(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (isObject(parent)) delete parent[key as string];
  return root;
}

/** The objects of a document: itself, or its list items. */
function objectsIn(doc: Json): { get: () => Json; set: (v: Json) => void }[] {
  const out: { get: () => Json; set: (v: Json) => void }[] = [];
  if (Array.isArray(doc)) doc.forEach((_, i) => out.push({ get: () => doc[i], set: (v) => (doc[i] = v) }));
  else if (isObject(doc) && Array.isArray(doc.items)) {
    const items = doc.items as unknown[];
    items.forEach((_, i) => out.push({ get: () => items[i], set: (v) => (items[i] = v) }));
  }
  return out;
}

function typeChange(value: Json, rng: Rng): Json {
  if (typeof value === 'string') return rng.pick<unknown>([Number(value) || 7, [value], { value }, null, value === '' ? 'x' : '']);
  if (typeof value === 'number') return rng.pick<unknown>([String(value), [value], -value, value * 1e300, null]);
  if (typeof value === 'boolean') return rng.pick<unknown>([String(value), value ? 1 : 0, null]);
  if (Array.isArray(value)) return rng.pick<unknown>([value[0] ?? null, Object.fromEntries(value.map((v, i) => [String(i), v])), 'list', value.length]);
  if (isObject(value)) return rng.pick<unknown>([Object.values(value), 'map', Object.keys(value).length, [value], null]);
  return rng.pick<unknown>(['null', 0, [], {}]);
}

function structureOp(docs: Json[], rng: Rng): string {
  const op = rng.weighted<string>([
    [6, 'field'], [4, 'node'], [2, 'annotation'], [1, 'owner'], [1, 'duplicate-doc'], [1, 'delete-doc'], [1, 'swap-docs'], [1, 'into-list'],
    [1, 'out-of-list'], [1, 'extra-doc'], [1, 'shared-item'],
  ]);
  const d = rng.int(docs.length);
  const objects = docs.flatMap((doc, i) => [{ get: () => docs[i], set: (v: Json) => (docs[i] = v) }, ...objectsIn(doc)]);
  const target = rng.pick(objects);
  switch (op) {
    case 'field': {
      const path = rng.pick(FIELD_PATHS).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      const old = getAt(target.get(), path);
      const value = old !== undefined && rng.chance(0.4) ? typeChange(old, rng) : hostileValue(rng);
      target.set(setAt(target.get(), path, value));
      return `structure: ${path.join('.')} = ${brief(value)}`;
    }
    case 'node': {
      const all = paths(target.get());
      const path = rng.pick(all);
      const kind = rng.weighted<string>([[3, 'replace'], [2, 'type'], [2, 'delete'], [1, 'wrap']]);
      const old = getAt(target.get(), path);
      if (kind === 'delete') target.set(deleteAt(target.get(), path));
      else target.set(setAt(target.get(), path, kind === 'replace' ? hostileValue(rng) : kind === 'type' ? typeChange(old, rng) : [old]));
      return `structure: ${kind} ${path.join('.') || '(root)'}`;
    }
    case 'annotation': {
      const key = rng.pick(ANNOTATION_KEYS);
      const value = rng.pick<unknown>([null, 5, '', 'reason given', ['a'], { a: 1 }, rng.pick(PAYLOADS)]);
      const root = target.get();
      const annotations = getAt(root, ['metadata', 'annotations']);
      target.set(setAt(root, ['metadata', 'annotations'], { ...(isObject(annotations) ? annotations : {}), [key]: value }));
      return `structure: annotation ${key} = ${brief(value)}`;
    }
    case 'owner': {
      const value = rng.pick<unknown>([
        { kind: 'ReplicaSet', name: 'x' },
        [5, 'x', null],
        [{ kind: 5, name: ['a'], controller: 'yes' }],
        [{}],
        [{ kind: 'ReplicaSet', name: 'x', controller: true }, { kind: 'DaemonSet', name: 'y', controller: true }],
        'owner',
      ]);
      target.set(setAt(target.get(), ['metadata', 'ownerReferences'], value));
      return `structure: ownerReferences = ${brief(value)}`;
    }
    case 'duplicate-doc':
      docs.splice(d, 0, structuredClone(docs[d]));
      return `structure: duplicate document ${d + 1}`;
    case 'delete-doc':
      if (docs.length > 1) docs.splice(d, 1);
      return `structure: delete document ${d + 1}`;
    case 'swap-docs': {
      const e = rng.int(docs.length);
      [docs[d], docs[e]] = [docs[e], docs[d]];
      return `structure: swap documents ${d + 1} and ${e + 1}`;
    }
    case 'into-list': {
      const items = docs.splice(0, docs.length);
      docs.push({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items });
      return 'structure: every document into one List';
    }
    case 'out-of-list': {
      const items = objectsIn(docs[d]).map((o) => o.get());
      if (items.length > 0) docs.splice(d, 1, ...items);
      return `structure: list ${d + 1} into documents`;
    }
    case 'shared-item': {
      // The same object twice in one list: YAML output gets an anchor in one item and an alias in a later one.
      const shared = isObject(target.get()) ? target.get() : { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared' } };
      const labels = { app: 'shared', tier: 'web' };
      const a = structuredClone(shared) as Record<string, unknown>;
      const b = structuredClone(shared) as Record<string, unknown>;
      for (const o of [a, b]) o.metadata = { ...(isObject(o.metadata) ? o.metadata : {}), labels };
      b.metadata = { ...(b.metadata as object), name: 'second' };
      docs.splice(d, 1, { apiVersion: 'v1', kind: 'List', items: [a, b] });
      return 'structure: two list items share one labels map (anchor and alias)';
    }
    default: {
      const extra = rng.pick<unknown>([null, 'just a string', 5, [1, 2], { a: 1 }, { apiVersion: 'v1' }, { kind: 'Pod' }, { apiVersion: 5, kind: ['Pod'] }, { apiVersion: 'v1', kind: 'Pod', metadata: 'x' }]);
      docs.splice(d, 0, extra);
      return `structure: extra document ${brief(extra)}`;
    }
  }
}

function brief(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

type Style = 'yaml' | 'yaml-flow' | 'json' | 'json-compact' | 'json-stream' | 'kubectl-yaml';

function serialize(docs: Json[], style: Style): string {
  switch (style) {
    case 'yaml':
      return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
    case 'yaml-flow':
      return docs.map((d) => stringify(d, { collectionStyle: 'flow', lineWidth: 0 })).join('---\n');
    case 'json':
      return `${JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2)}\n`;
    case 'json-compact':
      return `${JSON.stringify(docs.length === 1 ? docs[0] : docs)}\n`;
    case 'json-stream':
      return docs.map((d) => JSON.stringify(d, null, 2)).join('\n');
    default:
      // `kubectl get -o yaml`: one List, `items:` at column 0.
      return stringify({ apiVersion: 'v1', items: docs, kind: 'List', metadata: { resourceVersion: '' } }, { lineWidth: 0 });
  }
}

/** Reads the documents of a text, or undefined when it is not valid YAML/JSON. */
function readDocs(text: string): Json[] | undefined {
  return quietly(() => readDocsLoudly(text));
}

function readDocsLoudly(text: string): Json[] | undefined {
  try {
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs)) return undefined;
    if (docs.some((d) => d.errors.length > 0)) return undefined;
    return docs.map((d) => d.toJS({ maxAliasCount: 100 }) as Json);
  } catch {
    return undefined;
  }
}

function structureMutation(text: string, rng: Rng, json: boolean): [string, string] | undefined {
  const docs = readDocs(text);
  if (!docs || docs.length === 0) return undefined;
  const ops: string[] = [];
  const n = rng.weighted([[6, 1], [3, 2], [1, 4]]);
  for (let i = 0; i < n; i += 1) ops.push(structureOp(docs, rng));
  const style = rng.weighted<Style>([
    [json ? 1 : 6, 'yaml'], [1, 'yaml-flow'], [json ? 6 : 1, 'json'], [1, 'json-compact'], [1, 'json-stream'], [2, 'kubectl-yaml'],
  ]);
  try {
    return [quietly(() => serialize(docs, style)), `${ops.join('; ')}; written as ${style}`];
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- encodings

export type Encoding = 'utf8-bom' | 'utf16le-bom' | 'utf16le' | 'utf16be-bom' | 'utf16be' | 'crlf' | 'mixed-crlf';

export function encode(text: string, encoding: Encoding): Buffer {
  const le = (s: string) => Buffer.from(s, 'utf16le');
  const be = (s: string) => {
    const b = le(s);
    for (let i = 0; i + 1 < b.length; i += 2) {
      const t = b[i]!;
      b[i] = b[i + 1]!;
      b[i + 1] = t;
    }
    return b;
  };
  switch (encoding) {
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fromText(text)]);
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), le(text)]);
    case 'utf16le':
      return le(text);
    case 'utf16be-bom':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), be(text)]);
    case 'utf16be':
      return be(text);
    case 'crlf':
      return fromText(text.replace(/\r?\n/g, '\r\n'));
    default: {
      let k = 0;
      return fromText(text.replace(/\r?\n/g, () => (k++ % 2 === 0 ? '\r\n' : '\n')));
    }
  }
}

const ENCODINGS: readonly Encoding[] = ['utf8-bom', 'utf16le-bom', 'utf16le', 'utf16be-bom', 'utf16be', 'crlf', 'mixed-crlf'];

// ---------------------------------------------------------------- entry point

/**
 * Mutates one file. `role` decides which mutations make sense (structure for
 * YAML/JSON, bytes only for binary files); `donor` is another fixture file to
 * splice bytes from.
 */
export function mutateFile(original: Buffer, role: FileRole, rng: Rng, donor?: Buffer): Mutation {
  let bytes = original;
  const ops: string[] = [];
  if (role === 'binary') {
    const n = rng.range(1, 3);
    for (let i = 0; i < n; i += 1) {
      const [b, op] = byteMutation(bytes, rng, donor);
      bytes = b;
      ops.push(op);
    }
    return { bytes: bytes.subarray(0, MAX_BYTES), ops };
  }
  const structured = role === 'manifest' || role === 'config';
  const json = /^\s*[[{]/.test(textOf(original));
  const steps = rng.weighted([[5, 1], [3, 2], [2, 3]]);
  for (let i = 0; i < steps; i += 1) {
    const family = rng.weighted<string>([
      [structured ? 8 : 0, 'structure'],
      [5, 'token'],
      [3, 'line'],
      [2, 'byte'],
      [structured ? 1.5 : 0, 'nesting'],
    ]);
    let result: [string, string] | undefined;
    if (family === 'structure') result = structureMutation(textOf(bytes), rng, json);
    else if (family === 'nesting') result = deepNesting(textOf(bytes), rng);
    else if (family === 'line') result = lineMutation(textOf(bytes), rng);
    else if (family === 'token') result = tokenMutation(textOf(bytes), rng);
    if (family === 'byte' || result === undefined) {
      const [b, op] = byteMutation(bytes, rng, donor);
      bytes = b;
      ops.push(op);
      continue;
    }
    bytes = fromText(result[0]);
    ops.push(result[1]);
  }
  if (bytes.length > MAX_BYTES) {
    bytes = bytes.subarray(0, MAX_BYTES);
    ops.push(`cut to ${MAX_BYTES} bytes`);
  }
  if (rng.chance(0.2)) {
    const encoding = rng.pick(ENCODINGS);
    const before = bytes;
    // Only valid UTF-8 can be re-encoded without changing what it says.
    if (Buffer.from(textOf(before), 'utf8').equals(before) && !before.includes(0) && !textOf(before).startsWith('\ufeff')) {
      ops.push(`encoding: ${encoding}`);
      return { bytes: encode(textOf(before), encoding), ops, sameAs: before };
    }
  }
  return { bytes, ops };
}
