import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type YAMLError } from 'yaml';
import type { Piece, Position } from './pieces.js';
import { quickItems } from './yaml-quick-items.js';

/** Maps a line of a parsed text (1-based) back to its line in the file. */
export type LineMap = (textLine: number) => number;

export function offsetLines(firstLine: number): LineMap {
  return (textLine) => firstLine + textLine - 1;
}

interface Parsed {
  docs: Document.Parsed[];
  at: (offset: number) => Position;
}

function parse(text: string, lines: LineMap): Parsed {
  const counter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false });
  const docs = Array.isArray(parsed) ? parsed : [];
  const at = (offset: number): Position => {
    const pos = counter.linePos(offset);
    return { line: lines(Math.max(pos.line, 1)), column: Math.max(pos.col, 1) };
  };
  return { docs, at };
}

function problem(error: YAMLError, at: (offset: number) => Position): Piece {
  return { kind: 'problem', message: `invalid YAML: ${error.message}`, at: at(error.pos[0]) };
}

/**
 * Each document of a text with its root node and value, or the problem
 * piece that stands for it when it does not parse.
 */
function* readDocuments(text: string, lines: LineMap): Generator<
  { problem: Piece } | { problem?: undefined; root: NonNullable<Document.Parsed['contents']>; value: unknown; at: (offset: number) => Position }
> {
  const { docs, at } = parse(text, lines);
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      yield { problem: problem(error, at) };
      continue;
    }
    const root = doc.contents;
    if (root === null) continue;
    const value = toJS(doc);
    if (!value.ok) yield { problem: { kind: 'problem', message: value.message, at: at(root.range[0]) } };
    else yield { root, value: value.value, at };
  }
}

/**
 * Pieces of a text holding whole YAML documents. A document whose root is a
 * sequence, or a mapping with an `items` sequence, is a list: its items come
 * out one by one at their own positions.
 */
export function yamlDocumentPieces(text: string, lines: LineMap, nextList: () => number): Piece[] {
  const pieces: Piece[] = [];
  for (const read of readDocuments(text, lines)) {
    if (read.problem) {
      pieces.push(read.problem);
      continue;
    }
    const { root, at, value } = read;
    if (isScalar(root) && root.value === null) continue;
    const itemsNode = isSeq(root) ? root : isMap(root) ? root.get('items', true) : undefined;
    if (!isSeq(itemsNode)) {
      pieces.push({ kind: 'document', value, at: at(root.range[0]) });
      continue;
    }
    const list = nextList();
    const items = (isSeq(root) ? value : (value as { items: unknown }).items) as unknown[];
    const envelope = isSeq(root) ? undefined : { ...(value as object), items: undefined };
    pieces.push({ kind: 'list-start', list, envelope });
    itemsNode.items.forEach((node, index) => {
      const position = node && typeof node === 'object' && 'range' in node && node.range ? at(node.range[0]) : at(itemsNode.range[0]);
      pieces.push({ kind: 'list-item', list, value: items[index], at: position });
    });
    pieces.push({ kind: 'list-end', list, envelope });
  }
  return pieces;
}

/**
 * Pieces of one or more items of a block sequence, cut out of a larger list
 * (the text keeps the items' own indentation, so columns are the file's).
 * js-yaml reads plain items; `yaml` reads the others, and anything js-yaml
 * cannot read, so values, positions and error messages do not depend on which
 * parser read an item.
 */
export function yamlItemPieces(text: string, lines: LineMap, list: number): Piece[] {
  const quick = quickItems(text);
  if (!quick) return preciseItemPieces(text, lines, list);
  return quick.map((item) => ({ kind: 'list-item', list, value: item.value, at: { line: lines(item.line), column: item.column } }));
}

/** yamlItemPieces, always read by the `yaml` package. */
export function preciseItemPieces(text: string, lines: LineMap, list: number): Piece[] {
  const pieces: Piece[] = [];
  for (const read of readDocuments(text, lines)) {
    if (read.problem) {
      pieces.push(read.problem);
      continue;
    }
    const { root, at, value } = read;
    if (!isSeq(root)) continue;
    const items = value as unknown[];
    root.items.forEach((node, index) => {
      const position = node && typeof node === 'object' && 'range' in node && node.range ? at(node.range[0]) : at(root.range[0]);
      pieces.push({ kind: 'list-item', list, value: items[index], at: position });
    });
  }
  return pieces;
}

/** The value of a text's first document, or undefined if it does not parse. */
export function yamlValue(text: string): unknown {
  const { docs } = parse(text, offsetLines(1));
  const doc = docs[0];
  if (!doc || doc.errors.length > 0) return undefined;
  const value = toJS(doc);
  return value.ok ? value.value : undefined;
}

type JsResult = { ok: true; value: unknown } | { ok: false; message: string };

// toJS throws on alias bombs (more than maxAliasCount expansions) and bad anchors.
function toJS(doc: Document.Parsed): JsResult {
  try {
    return { ok: true, value: doc.toJS() };
  } catch (err) {
    return { ok: false, message: `invalid YAML: ${err instanceof Error ? err.message : String(err)}` };
  }
}
