import { Composer, isAlias, isCollection, LineCounter, Parser, visit, YAMLParseError, type CST, type Document } from 'yaml';
import { doubleQuotedValue } from './yaml-double-quoted.js';

/**
 * How deep collections may nest, in YAML and JSON alike. The `yaml` package
 * builds nodes by recursion and runs out of stack somewhere past 700 levels;
 * Kubernetes objects nest a few dozen (a CRD's openAPIV3Schema perhaps 60).
 * Go's encoding/json, which the API server decodes with, stops at 10,000
 * (maxNestingDepth, https://github.com/golang/go/blob/master/src/encoding/json/scanner.go).
 */
export const MAX_DEPTH = 256;

/** Double-quoted scalars longer than this are resolved by doubleQuotedValue. */
const LONG_SCALAR = 1024;

/** What kcheck refuses in YAML the `yaml` package reads; the message is the whole story (no "invalid YAML"). */
export class KcheckYamlError extends YAMLParseError {}

/** A document nested deeper than MAX_DEPTH. */
export class TooDeepError extends KcheckYamlError {
  constructor(offset: number) {
    super([offset, offset + 1], 'RESOURCE_EXHAUSTION', `collections nested more than ${MAX_DEPTH} levels deep; kcheck reads no deeper`);
  }
}

/**
 * A mapping key that is a sequence or a mapping. JSON, and so every
 * Kubernetes object, has string keys: kubectl refuses such a key
 * (sigs.k8s.io/yaml turns YAML into JSON first, https://github.com/kubernetes-sigs/yaml),
 * where the `yaml` package would write the key as YAML text.
 */
class CollectionKeyError extends KcheckYamlError {
  constructor(offset: number) {
    super([offset, offset + 1], 'BAD_COLLECTION_TYPE', 'a mapping key is a sequence or a mapping; Kubernetes objects have string keys');
  }
}

function isCollectionToken(token: CST.Token): boolean {
  return token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
}

interface Pending {
  token: CST.Token;
  depth: number;
  /** Inside a mapping key: the composer checks keys for line breaks, so their text must stay. */
  inKey: boolean;
  /** A tag decides the value of the scalar (`!!binary`), not the string alone. */
  tagged: boolean;
}

interface LongScalar {
  offset: number;
  value: string;
  errors: YAMLParseError[];
}

function hasTag(tokens: CST.SourceToken[] | undefined): boolean {
  return tokens?.some((t) => t.type === 'tag') ?? false;
}

/**
 * Walks a document's tokens without recursion: finds where collections nest
 * deeper than MAX_DEPTH, and resolves long double-quoted values, leaving an
 * empty single-quoted scalar in their place for the composer.
 */
interface Prepared {
  tooDeep: number | undefined;
  long: LongScalar[];
  keyErrors: YAMLParseError[];
  /** An alias is a key: what it names is known only once composed. */
  aliasKeys: boolean;
}

function prepare(doc: CST.Document): Prepared {
  const long: LongScalar[] = [];
  const keyErrors: YAMLParseError[] = [];
  let aliasKeys = false;
  const pending: Pending[] = doc.value ? [{ token: doc.value, depth: 0, inKey: false, tagged: hasTag(doc.start) }] : [];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { token, depth, inKey, tagged } = next;
    if (token.type === 'double-quoted-scalar') {
      if (!inKey && !tagged && token.source.length > LONG_SCALAR) {
        const errors: YAMLParseError[] = [];
        const value = doubleQuotedValue(token.source, (at, code, message) => {
          errors.push(new YAMLParseError([token.offset + at, token.offset + at + 1], code, message));
        });
        long.push({ offset: token.offset, value, errors });
        Object.assign(token, { type: 'single-quoted-scalar', source: "''" });
      }
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > MAX_DEPTH) return { tooDeep: token.offset, long, keyErrors, aliasKeys };
    // Last item first, so items come off the stack in document order and the first deep one is found first.
    for (let i = token.items.length - 1; i >= 0; i--) {
      const item = token.items[i]!;
      const itemTagged = hasTag(item.start) || hasTag(item.sep);
      if (item.value) pending.push({ token: item.value, depth: depth + 1, inKey, tagged: itemTagged });
      if (item.key) {
        if (isCollectionToken(item.key)) keyErrors.push(new CollectionKeyError(item.key.offset));
        if (item.key.type === 'alias') aliasKeys = true;
        pending.push({ token: item.key, depth: depth + 1, inKey: true, tagged: itemTagged });
      }
    }
  }
  return { tooDeep: undefined, long, keyErrors, aliasKeys };
}

function aliasKeyErrors(doc: Document.Parsed): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (isAlias(key) && isCollection(key.resolve(doc)) && key.range) errors.push(new CollectionKeyError(key.range[0]));
    },
  });
  return errors;
}

function restore(doc: Document.Parsed, long: LongScalar[]): void {
  const byOffset = new Map(long.map((s) => [s.offset, s]));
  visit(doc, {
    Scalar(_, node) {
      const scalar = node.range ? byOffset.get(node.range[0]) : undefined;
      if (!scalar || node.type !== 'QUOTE_SINGLE' || node.source !== '') return;
      node.value = scalar.value;
      node.source = scalar.value;
      node.type = 'QUOTE_DOUBLE';
    },
  });
  for (const s of long) doc.errors.push(...s.errors);
  doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
}


export interface ComposedText {
  docs: Document.Parsed[];
  lines: LineCounter;
}

/**
 * parseAllDocuments of the `yaml` package, in its steps: tokens, a check
 * of each document's depth, then the documents. A document nested too deep
 * comes back empty with a TooDeepError as its first error.
 */
export function composeYaml(text: string, options: { uniqueKeys?: boolean } = {}): ComposedText {
  const lines = new LineCounter();
  const composer = new Composer({ prettyErrors: false, ...options });
  const docs: Document.Parsed[] = [];
  const prepared = new Map<number, Prepared>();
  let reached = 0;
  try {
    for (const token of new Parser(lines.addNewLine).parse(text)) {
      reached = token.offset;
      if (token.type === 'document') {
        const found = prepare(token);
        prepared.set(token.offset, found);
        if (found.tooDeep !== undefined && token.value) token.value = { type: 'scalar', offset: token.value.offset, indent: 0, source: '', end: [] };
      }
      for (const doc of composer.next(token)) docs.push(doc as Document.Parsed);
    }
  } catch (err) {
    // The package's tokenizer recurses once per block collection it opens: a line of thousands of
    // compact entries (`- - - - …`) exhausts the stack before any depth check can see the document.
    if (err instanceof RangeError && /call stack/.test(err.message)) throw new TooDeepError(reached);
    throw err;
  }
  for (const doc of composer.end()) docs.push(doc as Document.Parsed);
  for (const doc of docs) {
    const found = prepared.get(doc.range[0]);
    if (!found) continue;
    if (found.tooDeep !== undefined) {
      doc.errors.unshift(new TooDeepError(found.tooDeep));
      continue;
    }
    if (found.long.length > 0) restore(doc, found.long);
    const keyErrors = [...found.keyErrors, ...(found.aliasKeys ? aliasKeyErrors(doc) : [])];
    if (keyErrors.length > 0) {
      doc.errors.push(...keyErrors);
      doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
    }
  }
  return { docs, lines };
}
