/**
 * The value of a double-quoted YAML scalar, with the `yaml` package's
 * rules for escapes and line folding
 * (https://yaml.org/spec/1.2.2/#731-double-quoted-style) and its error codes
 * and messages, built from slices of the source instead of one character at
 * a time: the package's own resolver appends each character to a string,
 * which in V8 keeps a rope node of about 30 bytes per character until the
 * string is flattened, so a 20 MB scalar took 3 s and 800 MB.
 */

export type ScalarError = (offset: number, code: 'BAD_DQ_ESCAPE' | 'MISSING_CHAR', message: string) => void;

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

/** The characters the resolver acts on; everything between them is copied as it is. */
const SPECIAL = /[\r\n\\ \t]/g;

function isBlank(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/** A line break and the blank lines after it: one space, or one newline per blank line. */
function foldNewline(source: string, at: number): { fold: string; offset: number } {
  let offset = at;
  let fold = '';
  let ch = source[offset + 1];
  while (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
    if (ch === '\r' && source[offset + 2] !== '\n') break;
    if (ch === '\n') fold += '\n';
    offset += 1;
    ch = source[offset + 1];
  }
  return { fold: fold || ' ', offset };
}

function charCode(source: string, offset: number, length: number, onError: ScalarError): string {
  const digits = source.substr(offset, length);
  const code = digits.length === length && /^[0-9a-fA-F]+$/.test(digits) ? parseInt(digits, 16) : NaN;
  try {
    return String.fromCodePoint(code);
  } catch {
    const raw = source.substr(offset - 2, length + 2);
    onError(offset - 2, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
    return raw;
  }
}

/**
 * Pieces of a string joined a few thousand at a time: a scalar of escapes
 * (`"\n\n\n..."`) has a piece per character, and millions of them in one
 * array would cost more than the string.
 */
class Pieces {
  private joined: string[] = [];
  private pending: string[] = [];

  push(piece: string): void {
    this.pending.push(piece);
    if (this.pending.length === 4096) {
      this.joined.push(this.pending.join(''));
      this.pending = [];
    }
  }

  join(): string {
    this.joined.push(this.pending.join(''));
    this.pending = [];
    return this.joined.join('');
  }
}

/** `source` is the scalar as written, quotes included; error offsets are relative to it. */
export function doubleQuotedValue(source: string, onError: ScalarError): string {
  const parts = new Pieces();
  const last = source.length - 1;
  let i = 1;
  while (i < last) {
    SPECIAL.lastIndex = i;
    const found = SPECIAL.exec(source);
    const next = found && found.index < last ? found.index : last;
    if (next > i) parts.push(source.slice(i, next));
    i = next;
    if (i >= last) break;
    const ch = source[i]!;
    if (ch === '\r') {
      if (source[i + 1] !== '\n') parts.push(ch);
    } else if (ch === '\n') {
      const { fold, offset } = foldNewline(source, i);
      parts.push(fold);
      i = offset;
    } else if (ch === '\\') {
      i += 1;
      const escaped = source[i];
      const replacement = escaped === undefined ? undefined : ESCAPES[escaped];
      if (replacement !== undefined) {
        parts.push(replacement);
      } else if (escaped === '\n') {
        // An escaped line break joins the lines; the next line's indentation goes.
        while (isBlank(source[i + 1])) i += 1;
      } else if (escaped === '\r' && source[i + 1] === '\n') {
        i += 1;
        while (isBlank(source[i + 1])) i += 1;
      } else if (escaped === 'x' || escaped === 'u' || escaped === 'U') {
        const length = escaped === 'x' ? 2 : escaped === 'u' ? 4 : 8;
        parts.push(charCode(source, i + 1, length, onError));
        i += length;
      } else {
        const raw = source.substr(i - 1, 2);
        onError(i - 1, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
        parts.push(raw);
      }
    } else {
      // Spaces and tabs before a line break are dropped; others are kept.
      const start = i;
      while (isBlank(source[i + 1])) i += 1;
      const after = source[i + 1];
      if (after !== '\n' && !(after === '\r' && source[i + 2] === '\n')) parts.push(source.slice(start, i + 1));
    }
    i += 1;
  }
  if (source[last] !== '"' || source.length === 1) onError(source.length, 'MISSING_CHAR', 'Missing closing "quote');
  return parts.join();
}
