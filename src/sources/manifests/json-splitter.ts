import { parseJsonAt } from './json-text.js';
import type { Piece, Position, Splitter } from './pieces.js';
import { MAX_DEPTH } from '../../text/yaml-compose.js';

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;

// Runs of characters the scanner has nothing to do with, skipped in one step.
const STRING_RUN = /[^"\\\n]+/y;
const SPACE_RUN = /[ \t\r]+/y;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

interface TopValue {
  at: Position;
  /** Text of the top-level object with the items of its list left out. */
  parts: string[] | undefined;
  list: number | undefined;
  /** Nested deeper than MAX_DEPTH outside the list's items: reported, not parsed. */
  tooDeep: boolean;
}

interface Item {
  at: Position;
  parts: string[];
  tooDeep: boolean;
}

/**
 * Reads a stream of JSON values (one, or several concatenated) chunk by
 * chunk without holding more than one list item at a time: a top-level object
 * with an `items` array is a list, as kubectl's unstructured objects decide
 * (`IsList`: a top-level `items` array,
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/unstructured/unstructured.go),
 * and each item is parsed on its own. A top-level array (e.g. `jq .items`)
 * is read the same way. The brackets and strings are tracked here; whether
 * the JSON is valid is left to JSON.parse on each piece.
 */
export class JsonSplitter implements Splitter {
  private out: Piece[] = [];
  private line = 1;
  /** Offset (from the start of the stream) of the first character of the current line. */
  private lineStart = 0;
  /** Offset of the current chunk's first character. */
  private base = 0;
  private stack: number[] = [];
  private inString = false;
  private escaped = false;
  private top: TopValue | undefined;
  /** Stack depth at which the current list's items sit, or -1 outside a list. */
  private itemDepth = -1;
  /** In a list's items: no item yet, or a comma seen and no item after it (`[,` and `,,` and `,]` are not JSON). */
  private noItemSince: 'start' | 'comma' | null = null;
  private item: Item | undefined;
  /** Where, in the current chunk, the text being captured (item or envelope) resumes. */
  private segStart = 0;
  private expectKey = false;
  private key: string | undefined;
  private lastKey = '';
  private keyStart = 0;
  private garbage = false;
  private lists = 0;

  push(text: string): void {
    const s = text;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === NEWLINE) {
        this.line += 1;
        this.lineStart = this.base + i + 1;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.endString(s, i);
        else if (c !== NEWLINE) {
          STRING_RUN.lastIndex = i;
          if (STRING_RUN.test(s)) i = STRING_RUN.lastIndex - 1;
        }
        continue;
      }
      if (isSpace(c)) {
        if (c !== NEWLINE) {
          SPACE_RUN.lastIndex = i;
          if (SPACE_RUN.test(s)) i = SPACE_RUN.lastIndex - 1;
        }
        continue;
      }
      const depth = this.stack.length;
      if (depth === 0) {
        this.atTopLevel(s, i, c);
        continue;
      }
      if (depth === this.itemDepth && this.item === undefined && c !== COMMA && c !== CLOSE_ARRAY) {
        this.noItemSince = null;
        this.item = { at: this.here(i), parts: [], tooDeep: false };
        this.segStart = i;
      }
      switch (c) {
        case QUOTE:
          this.inString = true;
          if (depth === 1 && this.expectKey && this.stack[0] === OPEN_OBJECT) {
            this.key = '';
            this.keyStart = i + 1;
          }
          break;
        case OPEN_OBJECT:
          this.open(c, i);
          break;
        case OPEN_ARRAY:
          if (depth === 1 && this.stack[0] === OPEN_OBJECT && !this.expectKey && this.lastKey === 'items') {
            this.startItems(s, i);
          }
          this.open(c, i);
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          this.close(s, i);
          break;
        case COMMA:
          if (depth === this.itemDepth) {
            if (this.item === undefined && this.noItemSince !== null) this.out.push({ kind: 'problem', message: "invalid JSON: unexpected ',' in the list's items (a value must come first)", at: this.here(i) });
            this.endItem(s, i);
            this.noItemSince = 'comma';
          }
          if (depth === 1) this.expectKey = true;
          break;
        case COLON:
          if (depth === 1) this.expectKey = false;
          break;
        default:
          break;
      }
    }
    if (this.item) this.item.parts.push(s.slice(this.segStart));
    else if (this.top?.parts && this.itemDepth === -1) this.top.parts.push(s.slice(this.segStart));
    if (this.key !== undefined) {
      this.key += s.slice(this.keyStart);
      this.keyStart = 0;
    }
    this.segStart = 0;
    this.base += s.length;
  }

  end(): void {
    if (this.stack.length === 0 && !this.inString) return;
    const unclosed = this.item ?? this.top;
    // A value nested too deep was reported where it got too deep.
    if (unclosed && !unclosed.tooDeep) {
      const what = this.item ? 'this list item is not closed' : 'the value that starts here is not closed';
      this.out.push({ kind: 'problem', message: `invalid JSON: unexpected end of input; ${what}`, at: unclosed.at });
    }
    if (this.top?.list !== undefined) this.out.push({ kind: 'list-end', list: this.top.list, envelope: undefined, at: this.top.at });
  }

  take(): Piece[] {
    const taken = this.out;
    this.out = [];
    return taken;
  }

  /** Past MAX_DEPTH a value is reported once, where it gets too deep, and not parsed. */
  private open(c: number, i: number): void {
    this.stack.push(c);
    if (this.stack.length <= MAX_DEPTH) return;
    const holder = this.item ?? this.top;
    if (!holder || holder.tooDeep) return;
    holder.tooDeep = true;
    this.out.push({ kind: 'problem', message: `collections nested more than ${MAX_DEPTH} levels deep; kcheck reads no deeper`, at: this.here(i) });
  }

  private here(i: number): Position {
    return { line: this.line, column: this.base + i - this.lineStart + 1 };
  }

  private atTopLevel(s: string, i: number, c: number): void {
    if (this.garbage) {
      // After text that is not JSON, pick up again at a line that starts a value.
      if (this.base + i !== this.lineStart || (c !== OPEN_OBJECT && c !== OPEN_ARRAY)) return;
      this.garbage = false;
    }
    if (c === OPEN_OBJECT) {
      this.top = { at: this.here(i), parts: [], list: undefined, tooDeep: false };
      this.segStart = i;
      this.expectKey = true;
      this.lastKey = '';
      this.stack.push(c);
    } else if (c === OPEN_ARRAY) {
      this.lists += 1;
      this.top = { at: this.here(i), parts: undefined, list: this.lists, tooDeep: false };
      this.out.push({ kind: 'list-start', list: this.lists, envelope: undefined, at: this.top.at });
      this.itemDepth = 1;
      this.noItemSince = 'start';
      this.stack.push(c);
    } else {
      const what = this.top ? 'text after the end of the JSON value' : 'text that is not JSON';
      this.out.push({ kind: 'problem', message: `invalid JSON: ${what}`, at: this.here(i) });
      this.garbage = true;
    }
  }

  private endString(s: string, i: number): void {
    this.inString = false;
    if (this.key !== undefined) {
      this.lastKey = this.key + s.slice(this.keyStart, i);
      this.key = undefined;
    }
  }

  private startItems(s: string, i: number): void {
    const top = this.top;
    if (!top?.parts) return;
    top.parts.push(s.slice(this.segStart, i + 1));
    this.lists += 1;
    top.list = this.lists;
    this.itemDepth = 2;
    this.noItemSince = 'start';
    // The fields before `items` (apiVersion and kind from the API server, which
    // writes them first) let items without their own kind be named right away.
    const head = parseJsonAt(top.parts.join('') + ']}', top.at);
    this.out.push({ kind: 'list-start', list: top.list, envelope: head.ok ? head.value : undefined, at: top.at });
  }

  private close(s: string, i: number): void {
    this.stack.pop();
    const depth = this.stack.length;
    if (depth === this.itemDepth - 1) {
      if (this.item === undefined && this.noItemSince === 'comma') this.out.push({ kind: 'problem', message: "invalid JSON: a ',' before the list's closing ']' (a value must follow it)", at: this.here(i) });
      this.noItemSince = null;
      this.endItem(s, i);
      this.itemDepth = -1;
      this.segStart = i;
    }
    if (depth === 0) this.endTop(s, i);
  }

  private endItem(s: string, i: number): void {
    const item = this.item;
    if (!item) return;
    this.item = undefined;
    item.parts.push(s.slice(this.segStart, i));
    if (item.tooDeep) return;
    const parsed = parseJsonAt(item.parts.join('').trimEnd(), item.at);
    const list = this.top?.list ?? 0;
    if (parsed.ok) this.out.push({ kind: 'list-item', list, value: parsed.value, at: item.at });
    else this.out.push({ kind: 'problem', message: parsed.message, at: parsed.at });
  }

  private endTop(s: string, i: number): void {
    const top = this.top;
    if (!top) return;
    if (top.parts === undefined) {
      if (top.list !== undefined) this.out.push({ kind: 'list-end', list: top.list, envelope: undefined, at: top.at });
      return;
    }
    top.parts.push(s.slice(this.segStart, i + 1));
    if (top.tooDeep) {
      top.parts = undefined;
      if (top.list !== undefined) this.out.push({ kind: 'list-end', list: top.list, envelope: undefined, at: top.at });
      return;
    }
    const parsed = parseJsonAt(top.parts.join(''), top.at);
    top.parts = undefined;
    if (top.list === undefined) {
      this.out.push(parsed.ok ? { kind: 'document', value: parsed.value, at: top.at } : { kind: 'problem', message: parsed.message, at: parsed.at });
      return;
    }
    // With the items left out, offsets past them no longer match the file: the envelope's start stands in.
    if (!parsed.ok) this.out.push({ kind: 'problem', message: parsed.message, at: top.at });
    this.out.push({ kind: 'list-end', list: top.list, envelope: parsed.ok ? parsed.value : undefined, at: top.at });
  }
}
