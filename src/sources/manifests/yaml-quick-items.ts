import { load } from 'js-yaml';
import { MAX_DEPTH } from '../../text/yaml-compose.js';
import { YAML_12_CORE } from './yaml-core-schema.js';

/** A list item read by js-yaml, with the line (1-based, in the text) and column where `yaml` places it. */
export interface QuickItem {
  value: unknown;
  line: number;
  column: number;
}

const ITEM_START = /^( *)-(?: |$)/;
/** `key: |`, `- >-`: the lines after it that are more indented are the scalar's text. */
const BLOCK_SCALAR = /(?:^( *(?:- +)*)|: +)[|>][+-]?(?: +#.*)? *$/;
/** `---`, `...` and `%` directives at the start of a line end or start documents. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.|%)/m;
/** `yaml` refuses an implicit key whose `:` is more than 1024 characters after its start; js-yaml has no such limit. */
const LONGEST_SAFE_LINE = 1024;

const SPACE = 0x20;
const QUOTE = 0x22;
const HASH = 0x23;
const AMPERSAND = 0x26;
const APOSTROPHE = 0x27;
const STAR = 0x2a;
const PLUS = 0x2b;
const COMMA = 0x2c;
const DASH = 0x2d;
const COLON = 0x3a;
const GREATER = 0x3e;
const QUESTION = 0x3f;
const LEFT_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RIGHT_BRACKET = 0x5d;
const LEFT_BRACE = 0x7b;
const PIPE = 0x7c;
const RIGHT_BRACE = 0x7d;
const TILDE = 0x7e;
const BANG = 0x21;
/** After the end of a line. */
const END = -1;

function spacesEnd(line: string, from: number): number {
  let at = from;
  while (at < line.length && line.charCodeAt(at) === SPACE) at++;
  return at;
}

function spacesStart(line: string, before: number): number {
  let at = before;
  while (at > 0 && line.charCodeAt(at - 1) === SPACE) at--;
  return at;
}

/** Where the node of a line starts: past its indentation and any `- ` entries (`  - - key: v`). */
function entryStart(line: string, indent: number): number {
  let at = indent;
  while (line.charCodeAt(at) === DASH && line.charCodeAt(at + 1) === SPACE) at = spacesEnd(line, at + 1);
  return at;
}

function codeAt(line: string, at: number): number {
  return at < line.length ? line.charCodeAt(at) : END;
}

/** `~`, `null`, `Null` or `NULL` ends just before `end`: where it starts, else -1. */
function nullWordBefore(line: string, end: number): number {
  const last = end >= 1 ? line.charCodeAt(end - 1) : END;
  if (last === TILDE) return end - 1;
  if (end < 4 || (last !== 0x6c /* l */ && last !== 0x4c /* L */)) return -1;
  const word = line.slice(end - 4, end);
  return word === 'null' || word === 'Null' || word === 'NULL' ? end - 4 : -1;
}

/** Before `at` stands only the start of a key: the line's entries, or `[`, `{`, `,`. */
function keyStartsBefore(line: string, at: number, entry: number): boolean {
  const start = spacesStart(line, at);
  if (start <= entry) return true;
  const before = line.charCodeAt(start - 1);
  return before === LEFT_BRACKET || before === LEFT_BRACE || before === COMMA;
}

/** A mapping key that is null or empty (`: v`, `null: v`, `{~: v}`): `yaml` makes it "", js-yaml "null". */
function nullKeyBefore(line: string, colon: number, entry: number): boolean {
  const end = spacesStart(line, colon);
  const word = nullWordBefore(line, end);
  return keyStartsBefore(line, word === -1 ? end : word, entry);
}

/** A flow mapping entry that is only a null key (`{a: 1, null}`). */
function nullEntryBefore(line: string, at: number, entry: number): boolean {
  const word = nullWordBefore(line, spacesStart(line, at));
  if (word === -1) return false;
  const start = spacesStart(line, word);
  if (start <= entry) return true;
  const before = line.charCodeAt(start - 1);
  return before === LEFT_BRACE || before === COMMA;
}

/** Letters, digits, spaces, `-`, `.`, `/` and `_`: most of a manifest, and nothing screenLine acts on. */
function isWordCharacter(ch: number): boolean {
  return (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x2d && ch <= 0x39) || ch === SPACE || ch === 0x5f;
}

function isFlowEnd(ch: number): boolean {
  return ch === END || ch === SPACE || ch === COMMA || ch === LEFT_BRACKET || ch === RIGHT_BRACKET || ch === LEFT_BRACE || ch === RIGHT_BRACE;
}

/** What screenLine found: what is still open at the end of a line (a quoted scalar, flow collections), and where the line's node starts. */
interface LineState {
  quote: number;
  depth: number;
  entry: number;
  /** A `|` or `>` after a space: the line may start a block scalar. */
  blockIndicator: boolean;
  /** The line ends inside a double-quoted scalar with `\`, an escaped line break. */
  escapedBreak: boolean;
  /** Where the line's comment starts, or its length. */
  contentEnd: number;
  /** The most flow collections open at once on the line. */
  deepest: number;
}

/**
 * Where a quoted scalar or a flow collection may start: after a space, and
 * inside a flow collection also after `[`, `{`, `,` or `:`. In block context
 * `k:{"name":"web"}` (a managedFields key) is one plain scalar.
 */
function startsNode(before: number, inFlow: boolean): boolean {
  return before === SPACE || (inFlow && (before === LEFT_BRACKET || before === LEFT_BRACE || before === COMMA || before === COLON));
}

/**
 * Reads one line, outside the text of block scalars, and follows quotes and
 * flow brackets to the next. False on what js-yaml reads differently from
 * `yaml`, or where only `yaml` reports an error:
 * - anchors, aliases and tags (`yaml` limits how far aliases expand);
 * - explicit `? ` keys and collections as keys (`yaml` writes such a key as
 *   YAML text, js-yaml as "[object Object]");
 * - null and empty keys (`yaml` makes them "", js-yaml "null");
 * - a comment right after a closing quote or bracket (`yaml` wants a space);
 * - block scalars with an indentation indicator (`|2`).
 * Anchors, aliases and tags are looked for outside quoted scalars only; the
 * other tests look at quoted text too: a `?` there costs only speed.
 */
function screenLine(line: string, indent: number, open: LineState): boolean {
  const entry = entryStart(line, indent);
  open.entry = entry;
  open.blockIndicator = false;
  open.escapedBreak = false;
  open.contentEnd = line.length;
  open.deepest = open.depth;
  for (let i = indent; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (isWordCharacter(ch)) continue;
    const before = i === 0 ? SPACE : line.charCodeAt(i - 1);
    switch (ch) {
      case AMPERSAND:
      case STAR:
      case BANG:
        // Inside a quoted scalar they are text to both parsers (a CronJob's "*/5 * * * *").
        if (open.quote === 0 && (before === SPACE || before === LEFT_BRACKET || before === LEFT_BRACE || before === COMMA || before === COLON || before === QUESTION || before === DASH)) return false;
        break;
      case QUESTION:
        if ((before === SPACE || before === LEFT_BRACKET || before === LEFT_BRACE || before === COMMA) && isFlowEnd(codeAt(line, i + 1))) return false;
        break;
      case HASH:
        if (i > 0 && (before === QUOTE || before === APOSTROPHE || before === RIGHT_BRACKET || before === RIGHT_BRACE)) return false;
        break;
      case COLON:
        if (isFlowEnd(codeAt(line, i + 1)) && nullKeyBefore(line, i, entry)) return false;
        break;
      case COMMA:
      case RIGHT_BRACE:
        if (nullEntryBefore(line, i, entry)) return false;
        break;
      case PIPE:
      case GREATER: {
        const next = codeAt(line, i + 1);
        const digit = next === PLUS || next === DASH ? codeAt(line, i + 2) : next;
        if (before === SPACE && digit >= 0x31 && digit <= 0x39) return false;
        if (before === SPACE) open.blockIndicator = true;
        break;
      }
    }
    if (open.quote === QUOTE) {
      if (ch === BACKSLASH && i === line.length - 1) open.escapedBreak = true;
      if (ch === BACKSLASH) i++;
      else if (ch === QUOTE) open.quote = 0;
    } else if (open.quote === APOSTROPHE) {
      if (ch === APOSTROPHE && codeAt(line, i + 1) === APOSTROPHE) i++;
      else if (ch === APOSTROPHE) open.quote = 0;
    } else if (ch === HASH && before === SPACE) {
      open.contentEnd = i;
      return open.depth === 0 || !nullEntryBefore(line, i, entry);
    } else if ((ch === QUOTE || ch === APOSTROPHE) && startsNode(before, open.depth > 0)) {
      open.quote = ch;
    } else if ((ch === LEFT_BRACKET || ch === LEFT_BRACE) && startsNode(before, open.depth > 0)) {
      open.depth += 1;
      open.deepest = Math.max(open.deepest, open.depth);
    } else if ((ch === RIGHT_BRACKET || ch === RIGHT_BRACE) && open.depth > 0) {
      open.depth -= 1;
      if (codeAt(line, spacesEnd(line, i + 1)) === COLON) return false;
    }
  }
  return open.depth === 0 || !nullEntryBefore(line, line.length, entry);
}

/**
 * An empty entry (`-` with nothing after it) of a sequence inside the item,
 * as in `- - `: js-yaml can put the entries that follow into the wrong
 * sequence. The items' own empty entries are read right.
 */
function emptyNestedEntry(line: string, indent: number, entry: number, itemIndent: number): boolean {
  let dashes = 0;
  for (let i = indent; i < entry; i++) if (line.charCodeAt(i) === DASH) dashes++;
  let rest = entry;
  if (line.charCodeAt(rest) === DASH && (rest + 1 === line.length || line.charCodeAt(rest + 1) === SPACE)) {
    dashes++;
    rest = spacesEnd(line, rest + 1);
  }
  const empty = rest === line.length || line.charCodeAt(rest) === HASH;
  return empty && (dashes >= 2 || (dashes === 1 && indent !== itemIndent));
}

/**
 * A line that ends with `key:` or `-` has its value below: the column of
 * the key or the `-`.
 */
function emptyValueColumn(line: string, indent: number, entry: number, contentEnd: number): number | undefined {
  const end = spacesStart(line, contentEnd);
  if (end <= indent) return undefined;
  const last = line.charCodeAt(end - 1);
  if (last === COLON) return entry;
  if (last === DASH && (end - 1 === indent || line.charCodeAt(end - 2) === SPACE)) return end - 1;
  return undefined;
}

function startsCollectionOrQuoted(line: string, at: number): boolean {
  const ch = line.charCodeAt(at);
  if (ch === DASH) return codeAt(line, at + 1) === SPACE || at + 1 === line.length;
  return ch === QUOTE || ch === APOSTROPHE || ch === LEFT_BRACKET || ch === LEFT_BRACE || ch === PIPE || ch === GREATER;
}

interface BlockScalar {
  /** Lines indented deeper than this are the scalar's text. */
  parent: number;
  /** The indentation of its first non-blank line. */
  indent: number | undefined;
  /** The most spaces on a blank line before the first non-blank one. */
  leadingBlank: number;
}

/**
 * True when js-yaml reads the lines exactly as `yaml` does. Text of block
 * scalars (`|`, `>`) is not looked at: `&`, `*` or `key:` there is text.
 * Where js-yaml is more lenient than `yaml` (a quoted scalar or flow
 * collection whose next lines are not indented past its key, leading blank
 * lines of a block scalar indented past its text), `yaml` must read the text
 * and report it.
 */
function plainEnough(lines: string[], itemIndent: number): boolean {
  let block: BlockScalar | undefined;
  const open: LineState = { quote: 0, depth: 0, entry: 0, blockIndicator: false, escapedBreak: false, contentEnd: 0, deepest: 0 };
  let openedBelow = 0;
  let valueBelow: number | undefined;
  let commentLeftOfValue = false;
  for (const line of lines) {
    const indent = spacesEnd(line, 0);
    if (block) {
      if (indent === line.length) {
        if (block.indent === undefined) block.leadingBlank = Math.max(block.leadingBlank, indent);
        continue;
      }
      if (indent > block.parent) {
        if (block.indent === undefined) {
          if (block.leadingBlank > indent) return false;
          block.indent = indent;
        }
        if (indent < block.indent) return false;
        continue;
      }
      if (blankOnly(block)) return false;
      block = undefined;
    }
    const continued = open.quote !== 0 || open.depth > 0;
    if (continued && indent < line.length && indent <= openedBelow) return false;
    // Left of the items' `-`: js-yaml may read on where `yaml` sees the end of the sequence.
    if (indent < itemIndent && indent < line.length && line.charCodeAt(indent) !== HASH) return false;
    // `"a\` then a blank line: js-yaml and `yaml` fold it differently.
    if (open.escapedBreak && indent === line.length) return false;
    if (!continued && line.charCodeAt(indent) === HASH) {
      if (valueBelow !== undefined && indent <= valueBelow) commentLeftOfValue = true;
      continue;
    }
    if (!continued && indent < line.length) {
      // `key:`, a comment left of the key, then a plain scalar below: `yaml` reads it as a key.
      if (commentLeftOfValue && valueBelow !== undefined && indent > valueBelow && !startsCollectionOrQuoted(line, indent)) return false;
      valueBelow = undefined;
      commentLeftOfValue = false;
    }
    if (line.length > LONGEST_SAFE_LINE || !screenLine(line, indent, open)) return false;
    // Block collections nest at most two to a column (a sequence may sit at its key's column), flow ones inside them:
    // an item that may be nested deeper than `yaml` is allowed to read is left to `yaml`, which says where.
    if (2 * (open.entry + 1) + open.deepest > MAX_DEPTH) return false;
    if (!continued && emptyNestedEntry(line, indent, open.entry, itemIndent)) return false;
    if (open.quote !== 0 || open.depth > 0) {
      if (!continued) openedBelow = open.entry;
      continue;
    }
    if (!continued && indent < line.length) valueBelow = emptyValueColumn(line, indent, open.entry, open.contentEnd);
    const header = !continued && open.blockIndicator ? BLOCK_SCALAR.exec(line) : null;
    if (header && !line.slice(0, header.index).includes(' #')) {
      // The text of `key: |` is indented past the key; that of `- |`, past the `-`.
      const dash = header[1]?.lastIndexOf('-') ?? -1;
      block = { parent: dash === -1 ? open.entry : dash, indent: undefined, leadingBlank: 0 };
    }
  }
  return open.quote === 0 && open.depth === 0 && !(block && blankOnly(block));
}

/** A block scalar of blank lines with spaces: `yaml` may count those spaces as its indentation and refuse it. */
function blankOnly(block: BlockScalar): boolean {
  return block.indent === undefined && block.leadingBlank > 0;
}

/**
 * Where `yaml` places an item that starts at `lines[start]`: its first
 * character after the `- `, past comments and line breaks; an empty item
 * right after the `- ` and its spaces.
 */
function itemPosition(lines: string[], start: number, end: number, itemIndent: number): { line: number; column: number } {
  for (let i = start, from = itemIndent + 1; i < end; i++, from = 0) {
    const line = lines[i] ?? '';
    const at = spacesEnd(line, from);
    if (at < line.length && line.charCodeAt(at) !== HASH) return { line: i + 1, column: at + 1 };
  }
  return { line: start + 1, column: spacesEnd(lines[start] ?? '', itemIndent + 1) + 1 };
}

/**
 * The items of a block sequence parsed with js-yaml, many times faster than
 * `yaml`, or undefined when the text holds anything the two may read
 * differently, or js-yaml cannot read it: then `yaml` must read it, for its
 * values and its error messages.
 */
export function quickItems(text: string): QuickItem[] | undefined {
  if (text.includes('\t') || text.includes('\r') || DOCUMENT_MARKER.test(text)) return undefined;
  const lines = text.split('\n');
  const first = ITEM_START.exec(lines[0] ?? '');
  if (!first) return undefined;
  const itemIndent = first[1]?.length ?? 0;
  if (!plainEnough(lines, itemIndent)) return undefined;

  const starts: number[] = [];
  lines.forEach((line, index) => {
    if (line.charCodeAt(itemIndent) === DASH && spacesEnd(line, 0) === itemIndent && ITEM_START.test(line)) starts.push(index);
  });
  let values: unknown;
  try {
    values = load(text, { schema: YAML_12_CORE });
  } catch {
    return undefined;
  }
  if (!Array.isArray(values) || values.length !== starts.length) return undefined;
  return values.map((value, i) => ({ value, ...itemPosition(lines, starts[i]!, starts[i + 1] ?? lines.length, itemIndent) }));
}

/**
 * A whole document read by js-yaml, as quickItems reads list items: only a
 * mapping whose first key is at column 0 (where `yaml` places the document:
 * that key's line, column 1) and that is not a list (no `items` sequence,
 * whose items `yaml` must place one by one). Undefined for anything else,
 * or anything the two parsers may read differently: then `yaml` reads it.
 * `plainEnough` gets no item column (-1): every empty nested sequence entry
 * goes to `yaml`, and no line can be left of the document.
 */
export function quickDocument(text: string): QuickItem | undefined {
  if (text.includes('\t') || text.includes('\r') || DOCUMENT_MARKER.test(text)) return undefined;
  const lines = text.split('\n');
  let first = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const at = spacesEnd(line, 0);
    if (at === line.length || line.charCodeAt(at) === HASH) continue;
    first = at === 0 ? i : -1;
    break;
  }
  if (first === -1 || startsCollectionOrQuoted(lines[first]!, 0)) return undefined;
  if (!plainEnough(lines, -1)) return undefined;
  let value: unknown;
  try {
    value = load(text, { schema: YAML_12_CORE });
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Array.isArray((value as { items?: unknown }).items)) return undefined;
  return { value, line: first + 1, column: 1 };
}
