import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Node, type YAMLError } from 'yaml';
import type { Piece, Position } from './pieces.js';
import { composeYaml, KcheckYamlError } from '../../text/yaml-compose.js';
import { quickDocument, quickItems } from './yaml-quick-items.js';

/** Maps a line of a parsed text (1-based) back to its line in the file. */
export type LineMap = (textLine: number) => number;

export function offsetLines(firstLine: number): LineMap {
  return (textLine) => firstLine + textLine - 1;
}

type At = (offset: number) => Position;

interface Parsed {
  docs: Document.Parsed[];
  at: At;
}

function parse(text: string, lines: LineMap): Parsed {
  const { docs, lines: counter } = composeYaml(text);
  const at = (offset: number): Position => {
    const pos = counter.linePos(offset);
    return { line: lines(Math.max(pos.line, 1)), column: Math.max(pos.col, 1) };
  };
  return { docs, at };
}

function errorMessage(error: YAMLError): string {
  return error instanceof KcheckYamlError ? error.message : `invalid YAML: ${error.message}`;
}

function problem(error: YAMLError, at: At): Piece {
  return { kind: 'problem', message: errorMessage(error), at: at(error.pos[0]) };
}

/** Whatever goes wrong reading a text becomes a problem at its first line, never an exception. */
function guarded(lines: LineMap, read: () => Piece[]): Piece[] {
  try {
    return read();
  } catch (err) {
    if (err instanceof KcheckYamlError) return [{ kind: 'problem', message: err.message, at: { line: lines(1), column: 1 } }];
    const message = err instanceof Error ? err.message : String(err);
    return [{ kind: 'problem', message: `cannot read this YAML: ${message}`, at: { line: lines(1), column: 1 } }];
  }
}

type Root = NonNullable<Document.Parsed['contents']>;
type Read = { problem: Piece } | { problem?: undefined; doc: Document.Parsed; root: Root; value: unknown; at: At };

/**
 * Each document of a text with its root node and value, or the problem
 * piece that stands for it when it does not parse.
 */
function* readDocuments(text: string, lines: LineMap): Generator<Read> {
  const { docs, at } = parse(text, lines);
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      yield { problem: problem(error, at) };
      continue;
    }
    const root = doc.contents;
    if (root === null) continue;
    const value = toJS(() => doc.toJS());
    if (!value.ok) yield { problem: { kind: 'problem', message: value.message, at: at(root.range[0]) } };
    else yield { doc, root, value: value.value, at };
  }
}

function positionOf(node: unknown, fallback: Position, at: At): Position {
  return node && typeof node === 'object' && 'range' in node && Array.isArray(node.range) ? at(node.range[0] as number) : fallback;
}

/**
 * Pieces of a text holding whole YAML documents. A document whose root is a
 * sequence, or a mapping with an `items` sequence, is a list: its items come
 * out one by one at their own positions.
 */
export function yamlDocumentPieces(text: string, lines: LineMap, nextList: () => number): Piece[] {
  // Most manifests are one plain mapping: js-yaml reads those many times faster, to the same value and place.
  const quick = quickDocument(text);
  if (quick) return [{ kind: 'document', value: quick.value, at: { line: lines(quick.line), column: quick.column } }];
  return preciseDocumentPieces(text, lines, nextList);
}

/** yamlDocumentPieces, always read by the `yaml` package. */
export function preciseDocumentPieces(text: string, lines: LineMap, nextList: () => number): Piece[] {
  return guarded(lines, () => {
    const pieces: Piece[] = [];
    for (const read of readDocuments(text, lines)) {
      if (read.problem) {
        pieces.push(read.problem);
        continue;
      }
      const { root, at, value } = read;
      if (isScalar(root) && root.value === null) continue;
      const itemsNode = isSeq(root) ? root : isMap(root) ? root.get('items', true) : undefined;
      const start = at(root.range[0]);
      if (!isSeq(itemsNode)) {
        pieces.push({ kind: 'document', value, at: start });
        continue;
      }
      const list = nextList();
      const items = (isSeq(root) ? value : (value as { items: unknown }).items) as unknown[];
      const envelope = isSeq(root) ? undefined : { ...(value as object), items: undefined };
      pieces.push({ kind: 'list-start', list, envelope, at: start });
      const listAt = at(itemsNode.range[0]);
      itemsNode.items.forEach((node, index) => {
        pieces.push({ kind: 'list-item', list, value: items[index], at: positionOf(node, listAt, at) });
      });
      pieces.push({ kind: 'list-end', list, envelope, at: start });
    }
    return pieces;
  });
}

function isPlaceholder(value: unknown): boolean {
  return Array.isArray(value) && value.length === 1 && value[0] === null;
}

/**
 * A list document read with its items replaced by one `- null` item: the
 * problems `yaml` finds in its shape, and the envelope (the document
 * without `items`) when it is a mapping with that list as its `items`.
 */
export function yamlListEnvelope(text: string, lines: LineMap, rootSequence: boolean): { envelope: unknown; problems: Piece[] } {
  const problems: Piece[] = [];
  let envelope: unknown;
  const pieces = guarded(lines, () => {
    for (const read of readDocuments(text, lines)) {
      if (read.problem) {
        problems.push(read.problem);
        continue;
      }
      const { value } = read;
      const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
      const fits = rootSequence ? isPlaceholder(value) : record !== undefined && isPlaceholder(record.items);
      if (!fits) {
        problems.push({ kind: 'problem', message: 'cannot read this document as a list: its items are not the list of its top-level mapping', at: read.at(read.root.range[0]) });
      } else if (record) {
        envelope = { ...record, items: undefined };
      }
    }
    return [];
  });
  return { envelope, problems: [...problems, ...pieces] };
}

/** One list item's lines and the file line of the first. */
export interface ItemText {
  firstLine: number;
  lines: string[];
}

interface Definer {
  item: ItemText;
  /** The earlier items its aliases needed, in file order. */
  needs: Definer[];
}

/**
 * The anchors (`&id001`) the items of one list define, for the later items
 * that use them (`*id001`): PyYAML and yq write a shared value once and
 * refer to it from later items, and each item is parsed on its own.
 * https://yaml.org/spec/1.2.2/#71-alias-nodes: an alias names the most
 * recent anchor of that name before it, in the same document.
 */
export class ListAnchors {
  private definers = new Map<string, Definer>();

  /** The earlier items a text needs for the aliases it does not resolve itself, in file order; empty when it needs none. */
  needed(names: Iterable<string>): Definer[] {
    const found = new Set<Definer>();
    for (const name of names) {
      const definer = this.definers.get(name);
      if (!definer) continue;
      for (const d of definer.needs) found.add(d);
      found.add(definer);
    }
    return [...found].sort((a, b) => a.item.firstLine - b.item.firstLine);
  }

  /** Records what an item defines, once it has been read. */
  defined(item: ItemText, names: Iterable<string>, needs: Definer[]): void {
    let definer: Definer | undefined;
    for (const name of names) {
      definer ??= { item, needs };
      this.definers.set(name, definer);
    }
  }
}

/** The anchors a document defines and the aliases it uses before any anchor of their name, in the order the `yaml` package resolves them. */
function anchorsOf(doc: Document.Parsed): { defines: Set<string>; unresolved: Set<string> } {
  const defines = new Set<string>();
  const unresolved = new Set<string>();
  visit(doc, {
    Node(_, node: Node) {
      if (isAlias(node)) {
        if (!defines.has(node.source)) unresolved.add(node.source);
      } else if (node.anchor) {
        defines.add(node.anchor);
      }
    },
  });
  return { defines, unresolved };
}

function segmentsLineMap(items: ItemText[]): LineMap {
  return (textLine) => {
    let remaining = textLine;
    for (const item of items) {
      if (remaining <= item.lines.length) return item.firstLine + remaining - 1;
      remaining -= item.lines.length;
    }
    const last = items[items.length - 1];
    return last ? last.firstLine + last.lines.length - 1 : textLine;
  };
}

/**
 * Pieces of one item of a block sequence, cut out of a larger list (the
 * text keeps the item's own indentation, so columns are the file's).
 * js-yaml reads plain items; `yaml` reads the others, and anything js-yaml
 * cannot read, so values, positions and error messages do not depend on which
 * parser read an item. With `anchors`, aliases to anchors of earlier items of
 * the same list resolve.
 */
export function yamlItemPieces(text: string, lines: LineMap, list: number, anchors?: ListAnchors): Piece[] {
  return guarded(lines, () => {
    const quick = quickItems(text);
    if (!quick) return preciseItemPieces(text, lines, list, anchors);
    return quick.map((item) => ({ kind: 'list-item', list, value: item.value, at: { line: lines(item.line), column: item.column } }));
  });
}

/** yamlItemPieces, always read by the `yaml` package. */
export function preciseItemPieces(text: string, lines: LineMap, list: number, anchors?: ListAnchors): Piece[] {
  return guarded(lines, () => {
    const pieces: Piece[] = [];
    const { docs, at } = parse(text, lines);
    for (const doc of docs) {
      const error = doc.errors[0];
      if (error) {
        pieces.push(problem(error, at));
        continue;
      }
      const root = doc.contents;
      if (!isSeq(root)) continue;
      const found = anchors ? anchorsOf(doc) : undefined;
      const needs = found && found.unresolved.size > 0 ? anchors!.needed(found.unresolved) : [];
      if (needs.length > 0) {
        pieces.push(...withEarlierItems(text, lines, list, needs));
      } else {
        const value = toJS(() => doc.toJS());
        if (!value.ok) {
          pieces.push({ kind: 'problem', message: value.message, at: at(root.range[0]) });
          continue;
        }
        const items = value.value as unknown[];
        const listAt = at(root.range[0]);
        root.items.forEach((node, index) => {
          pieces.push({ kind: 'list-item', list, value: items[index], at: positionOf(node, listAt, at) });
        });
      }
      if (found && anchors && found.defines.size > 0) anchors.defined({ firstLine: lines(1), lines: text.split('\n') }, found.defines, needs);
    }
    return pieces;
  });
}

/**
 * An item read after the earlier items whose anchors it uses, as one
 * sequence: `yaml` resolves its aliases as it would in the whole document
 * (and counts them against its limit on alias expansion).
 */
function withEarlierItems(text: string, lines: LineMap, list: number, needs: Definer[]): Piece[] {
  const own: ItemText = { firstLine: lines(1), lines: text.split('\n') };
  const items = [...needs.map((d) => d.item), own];
  const combined = items.map((i) => i.lines.join('\n')).join('\n');
  const { docs, at } = parse(combined, segmentsLineMap(items));
  const doc = docs[0];
  const root = doc?.contents;
  // Where a problem of the item alone is reported: its `-`.
  const start: Position = { line: own.firstLine, column: (own.lines[0]?.search(/\S/) ?? 0) + 1 };
  const error = doc?.errors[0];
  if (error) return [problem(error, at)];
  if (!doc || !isSeq(root) || root.items.length < items.length) {
    return [{ kind: 'problem', message: 'cannot read this list item together with the earlier items whose anchors it uses', at: start }];
  }
  const pieces: Piece[] = [];
  for (const node of root.items.slice(needs.length)) {
    const value = toJS(() => (node as Node).toJS(doc));
    if (value.ok) pieces.push({ kind: 'list-item', list, value: value.value, at: positionOf(node, start, at) });
    else pieces.push({ kind: 'problem', message: value.message, at: start });
  }
  return pieces;
}

type ValueResult = { ok: true; value: unknown } | { ok: false; message: string; at: Position };

/**
 * The value of a text's only document, or why it has none: a YAML error,
 * or more than one document. Positions are the text's own (line 1 first).
 */
export function readYamlValue(text: string): ValueResult {
  try {
    let found: ValueResult | undefined;
    for (const read of readDocuments(text, offsetLines(1))) {
      const problem = read.problem;
      if (problem?.kind === 'problem') return { ok: false, message: problem.message, at: problem.at };
      if (problem) continue;
      if (found) return { ok: false, message: 'holds more than one YAML document', at: read.at(read.root.range[0]) };
      found = { ok: true, value: read.value };
    }
    return found ?? { ok: true, value: null };
  } catch (err) {
    const message = err instanceof KcheckYamlError ? err.message : `cannot read this YAML: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, message, at: { line: 1, column: 1 } };
  }
}

/** The value of a text's first document, or undefined if it does not parse. */
export function yamlValue(text: string): unknown {
  const read = readYamlValue(text);
  return read.ok ? read.value : undefined;
}

type JsResult = { ok: true; value: unknown } | { ok: false; message: string };

// toJS throws on alias bombs (more than maxAliasCount expansions) and unresolved aliases.
function toJS(convert: () => unknown): JsResult {
  try {
    return { ok: true, value: convert() };
  } catch (err) {
    return { ok: false, message: `invalid YAML: ${err instanceof Error ? err.message : String(err)}` };
  }
}
