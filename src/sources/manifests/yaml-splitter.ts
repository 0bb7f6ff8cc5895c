import type { Piece, Position, Splitter } from './pieces.js';
import { ListAnchors, offsetLines, yamlDocumentPieces, yamlItemPieces, yamlListEnvelope, yamlValue, type LineMap } from './yaml-text.js';

// A `---` or `...` at column 0 always ends a document: the YAML spec forbids
// these markers inside content (c-forbidden, https://yaml.org/spec/1.2.2/#912-document-markers).
const DOCUMENT_START = /^---(?:[ \t]|$)/;
const DOCUMENT_END = /^\.\.\.(?:[ \t]|$)/;
// `kubectl get -o yaml` writes `items:` at column 0 and each item as `- apiVersion: ...`.
const ITEMS_KEY = /^items:[ \t]*(?:#.*)?$/;
const SEQUENCE_ENTRY = /^( *)-(?:[ \t]|$)/;
const BLANK_OR_COMMENT = /^[ \t]*(?:#.*)?$/;

/** Consecutive lines of one document and the file line of the first. */
interface Segment {
  firstLine: number;
  lines: string[];
}

interface Document {
  /** The document without the items of its list (the list's envelope when it has one). */
  segments: Segment[];
  hasContent: boolean;
  /** Directive lines (`%YAML 1.2`) came before any content. */
  directives: boolean;
  mode: 'plain' | 'items-key' | 'items';
  /** Blank and comment lines between `items:` and what follows it. */
  held: string[];
  itemIndent: number;
  item: Segment | undefined;
  list: number | undefined;
  /** Where the items were cut out: how many envelope segments came before them, the first item's line, and whether the document is the sequence. */
  itemsAt: { segment: number; line: number; rootSequence: boolean } | undefined;
  /** Anchors the list's items define, for the later items that use them. */
  anchors: ListAnchors | undefined;
}

function indentOf(line: string): number {
  let n = 0;
  while (n < line.length && line.charCodeAt(n) === 0x20) n++;
  return n;
}

/**
 * Reads YAML a line at a time: documents end at `---`/`...` lines, and the
 * block sequence of a list (`items:` at column 0, or a document that is a
 * sequence) is cut into items that are parsed one by one, so a huge
 * `kubectl get -o yaml` dump never sits in memory as one string. Other
 * documents are parsed whole.
 */
export class YamlSplitter implements Splitter {
  private out: Piece[] = [];
  private rest: string[] = [];
  private lineNo = 0;
  private doc: Document = this.newDocument();
  private lists = 0;

  push(text: string): void {
    let nl = text.indexOf('\n');
    if (nl === -1) {
      // A very long line arrives in many chunks: gather them, do not re-copy.
      if (text !== '') this.rest.push(text);
      return;
    }
    this.rest.push(text.slice(0, nl));
    this.line(this.rest.join(''));
    this.rest = [];
    let start = nl + 1;
    for (nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    if (start < text.length) this.rest.push(text.slice(start));
  }

  end(): void {
    if (this.rest.length > 0) this.line(this.rest.join(''));
    this.rest = [];
    this.endDocument();
  }

  take(): Piece[] {
    const taken = this.out;
    this.out = [];
    return taken;
  }

  private newDocument(): Document {
    return {
      segments: [],
      hasContent: false,
      directives: false,
      mode: 'plain',
      held: [],
      itemIndent: 0,
      item: undefined,
      list: undefined,
      itemsAt: undefined,
      anchors: undefined,
    };
  }

  private line(raw: string): void {
    this.lineNo += 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (DOCUMENT_START.test(line) && this.doc.directives && !this.doc.hasContent) {
      // `%YAML 1.2` and `%TAG` directives belong to the document this marker starts.
      this.envelopeLine(line);
      return;
    }
    if (DOCUMENT_START.test(line) || DOCUMENT_END.test(line)) {
      this.endDocument();
      // `--- !tag` or `--- {a: 1}`: the marker line carries content of the new document.
      // After `...` only a comment may follow (l-document-suffix, https://yaml.org/spec/1.2.2/#912-document-markers):
      // anything else goes to the next document, where the parser reports it at its line, never dropped.
      if (!BLANK_OR_COMMENT.test(line.slice(3))) this.envelopeLine(line);
      return;
    }
    const doc = this.doc;
    if (doc.mode === 'items') this.itemsLine(line);
    else if (doc.mode === 'items-key') this.afterItemsKey(line);
    else if (!doc.hasContent && SEQUENCE_ENTRY.exec(line)?.[1] === '') {
      this.startItems(0, true);
      this.itemsLine(line);
    } else {
      this.envelopeLine(line);
      if (ITEMS_KEY.test(line)) doc.mode = 'items-key';
    }
  }

  private envelopeLine(line: string, lineNo = this.lineNo): void {
    const doc = this.doc;
    const last = doc.segments[doc.segments.length - 1];
    if (last && last.firstLine + last.lines.length === lineNo) last.lines.push(line);
    else doc.segments.push({ firstLine: lineNo, lines: [line] });
    if (BLANK_OR_COMMENT.test(line)) return;
    if (!doc.hasContent && line.startsWith('%')) doc.directives = true;
    else doc.hasContent = true;
  }

  private afterItemsKey(line: string): void {
    const doc = this.doc;
    if (BLANK_OR_COMMENT.test(line)) {
      doc.held.push(line);
      return;
    }
    const entry = SEQUENCE_ENTRY.exec(line);
    if (entry) {
      doc.held = [];
      this.startItems(entry[1]?.length ?? 0, false);
      this.itemsLine(line);
      return;
    }
    // `items:` holds a mapping or scalar, or nothing: not a list after all.
    const firstHeld = this.lineNo - doc.held.length;
    doc.held.forEach((held, index) => this.envelopeLine(held, firstHeld + index));
    doc.held = [];
    doc.mode = 'plain';
    this.envelopeLine(line);
  }

  private startItems(indent: number, rootSequence: boolean): void {
    const doc = this.doc;
    doc.mode = 'items';
    doc.itemIndent = indent;
    doc.hasContent = true;
    this.lists += 1;
    doc.list = this.lists;
    doc.itemsAt = { segment: doc.segments.length, line: this.lineNo, rootSequence };
    doc.anchors = new ListAnchors();
    const head = doc.segments.length > 0 ? yamlValue(this.segmentText(doc.segments)) : undefined;
    this.out.push({ kind: 'list-start', list: doc.list, envelope: head, at: this.documentStart(doc) });
  }

  private itemsLine(line: string): void {
    const doc = this.doc;
    const indent = indentOf(line);
    if (BLANK_OR_COMMENT.test(line) || indent > doc.itemIndent) {
      doc.item?.lines.push(line);
      return;
    }
    this.endItem();
    if (indent === doc.itemIndent && SEQUENCE_ENTRY.test(line)) {
      doc.item = { firstLine: this.lineNo, lines: [line] };
      return;
    }
    // The sequence is over; the envelope goes on (e.g. `kind: List` after the items).
    doc.mode = 'plain';
    this.envelopeLine(line);
  }

  private endItem(): void {
    const doc = this.doc;
    const item = doc.item;
    if (!item || doc.list === undefined) return;
    doc.item = undefined;
    this.out.push(...yamlItemPieces(item.lines.join('\n'), offsetLines(item.firstLine), doc.list, doc.anchors));
  }

  private endDocument(): void {
    const doc = this.doc;
    this.endItem();
    if (doc.list !== undefined) {
      const envelope = this.listEnvelope(doc);
      this.out.push({ kind: 'list-end', list: doc.list, envelope, at: this.documentStart(doc) });
    } else if (doc.hasContent || doc.directives) {
      const text = this.segmentText(doc.segments);
      this.out.push(...yamlDocumentPieces(text, this.segmentLines(doc.segments), () => ++this.lists));
    }
    this.doc = this.newDocument();
  }

  private documentStart(doc: Document): Position {
    return { line: doc.segments[0]?.firstLine ?? doc.itemsAt?.line ?? this.lineNo, column: 1 };
  }

  /**
   * The document around a list's items, read with one `- null` item where
   * the items were: `yaml` then judges the document's shape as it would the
   * whole (a block sequence at the top followed by a mapping, a sequence
   * entry left of the items), and gives the envelope (apiVersion, kind, metadata).
   */
  private listEnvelope(doc: Document): unknown {
    const at = doc.itemsAt;
    if (!at) return undefined;
    // A document that is only the sequence has nothing else to judge.
    if (at.rootSequence && doc.segments.length === 0) return undefined;
    const placeholder: Segment = { firstLine: at.line, lines: [`${' '.repeat(doc.itemIndent)}- null`] };
    const segments = [...doc.segments.slice(0, at.segment), placeholder, ...doc.segments.slice(at.segment)];
    const read = yamlListEnvelope(this.segmentText(segments), this.segmentLines(segments), at.rootSequence);
    this.out.push(...read.problems);
    return read.envelope;
  }

  private segmentText(segments: Segment[]): string {
    return segments.map((s) => s.lines.join('\n')).join('\n');
  }

  private segmentLines(segments: Segment[]): LineMap {
    return (textLine) => {
      let remaining = textLine;
      for (const segment of segments) {
        if (remaining <= segment.lines.length) return segment.firstLine + remaining - 1;
        remaining -= segment.lines.length;
      }
      const last = segments[segments.length - 1];
      return last ? last.firstLine + last.lines.length - 1 : textLine;
    };
  }
}
