/**
 * systemd's unit file and environment file syntax, as systemd parses it.
 * Sources (systemd v252-v258):
 * - unit files: src/shared/conf-parser.c (config_parse, parse_line) and
 *   systemd.syntax(7) https://www.freedesktop.org/software/systemd/man/latest/systemd.syntax.html
 * - words of ExecStart=/Environment=: src/basic/extract-word.c
 *   (extract_first_word with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE) and src/basic/escape.c (cunescape_one)
 * - EnvironmentFile=: src/basic/env-file.c (parse_env_file_internal)
 * - `$VAR`/`${VAR}` in ExecStart=: src/basic/env-util.c (replace_env_argv)
 */

/** One `Key=value` line of a unit file, continuation lines joined. */
export interface UnitAssignment {
  /** `[Service]` gives "Service"; null before any section header. */
  section: string | null;
  key: string;
  value: string;
  /** 1-based line the assignment starts on. */
  line: number;
}

export interface SyntaxProblem {
  line: number;
  message: string;
}

const WHITESPACE = ' \t\n\r';

/**
 * A unit file's assignments in order. As conf-parser.c does: lines whose
 * first non-blank character is `#` or `;` are comments, even in the middle
 * of a continued line; a line ending in an unescaped backslash goes on with
 * the next one, the backslash becoming a space; keys and values are
 * stripped of surrounding blanks; a line without `=` is ignored with a
 * warning, and so is an assignment before any section.
 */
export function parseUnitFile(text: string): { assignments: UnitAssignment[]; problems: SyntaxProblem[] } {
  const assignments: UnitAssignment[] = [];
  const problems: SyntaxProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  let section: string | null = null;
  let continuation = null as { text: string; line: number } | null;
  for (let i = 0; i < lines.length; i += 1) {
    const raw = lines[i]!.replace(/\r$/, '');
    const lead = raw.replace(/^[ \t\n\r]+/, '');
    if (lead !== '' && (lead[0] === '#' || lead[0] === ';')) continue;
    const joined: string = continuation ? continuation.text + raw : raw;
    const start: number = continuation ? continuation.line : i + 1;
    let escaped = false;
    for (const c of joined) escaped = escaped ? false : c === '\\';
    if (escaped) {
      continuation = { text: `${joined.slice(0, -1)} `, line: start };
      continue;
    }
    continuation = null;
    const l = joined.trim();
    if (l === '') continue;
    if (l.startsWith('[')) {
      if (!l.endsWith(']') || l.length < 3) {
        problems.push({ line: start, message: `invalid section header "${l}": systemd ignores the line` });
        continue;
      }
      section = l.slice(1, -1);
      continue;
    }
    const eq = l.indexOf('=');
    if (eq < 0) {
      problems.push({ line: start, message: `missing '=': systemd ignores the line` });
      continue;
    }
    if (section === null) {
      problems.push({ line: start, message: 'assignment outside of any section: systemd ignores it' });
      continue;
    }
    assignments.push({ section, key: l.slice(0, eq).trim(), value: l.slice(eq + 1).trim(), line: start });
  }
  // A last line ending in a backslash is still parsed (config_parse hands the continuation over at EOF).
  if (continuation) {
    const l = continuation.text.trim();
    const eq = l.indexOf('=');
    if (section !== null && eq > 0) assignments.push({ section, key: l.slice(0, eq).trim(), value: l.slice(eq + 1).trim(), line: continuation.line });
  }
  return { assignments, problems };
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ' };

/** One C escape after a backslash (escape.c cunescape_one): the character and how many input characters it took, or null. */
function unescapeOne(text: string, at: number): { char: string; length: number } | null {
  const c = text[at];
  if (c === undefined) return null;
  if (c in SIMPLE_ESCAPES) return { char: SIMPLE_ESCAPES[c]!, length: 1 };
  const hex = (n: number, from: number) => (new RegExp(`^[0-9a-fA-F]{${n}}$`).test(text.slice(from, from + n)) ? parseInt(text.slice(from, from + n), 16) : null);
  if (c === 'x') {
    const v = hex(2, at + 1);
    return v === null || v === 0 ? null : { char: String.fromCharCode(v), length: 3 };
  }
  if (c === 'u' || c === 'U') {
    const n = c === 'u' ? 4 : 8;
    const v = hex(n, at + 1);
    return v === null || v === 0 || v > 0x10ffff ? null : { char: String.fromCodePoint(v), length: n + 1 };
  }
  if (/^[0-7]{3}$/.test(text.slice(at, at + 3))) {
    const v = parseInt(text.slice(at, at + 3), 8);
    return v === 0 || v > 255 ? null : { char: String.fromCharCode(v), length: 3 };
  }
  return null;
}

/**
 * Splits a setting into words as extract_first_word does with
 * EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE: blanks separate words, single and
 * double quotes group (and may sit inside a word: `--a="b c"` is one word
 * `--a=b c`), C escapes are decoded in and out of quotes. An unfinished
 * quote or an unknown escape makes systemd reject the whole line.
 */
export function splitWords(value: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && WHITESPACE.includes(value[i]!)) i += 1;
    if (i >= value.length) break;
    let word = '';
    let quote: string | null = null;
    for (; i < value.length; i += 1) {
      const c = value[i]!;
      if (c === '\\') {
        const esc = unescapeOne(value, i + 1);
        if (!esc) return { error: `invalid escape "\\${value[i + 1] ?? ''}"` };
        word += esc.char;
        i += esc.length;
      } else if (quote !== null) {
        if (c === quote) quote = null;
        else word += c;
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (WHITESPACE.includes(c)) {
        break;
      } else {
        word += c;
      }
    }
    if (quote !== null) return { error: `unterminated ${quote === '"' ? 'double' : 'single'} quote` };
    words.push(word);
  }
  return { words };
}

/** One `NAME=value` of an environment file, with the line it ends on as env-file.c counts. */
export interface EnvFileAssignment {
  name: string;
  value: string;
  line: number;
}

const NEWLINE = '\n\r';
/** string-util.h SHELL_NEED_ESCAPE: what a backslash escapes inside double quotes. */
const SHELL_NEED_ESCAPE = '"\\`$';

/**
 * An EnvironmentFile= as env-file.c reads it: a state machine, not a shell.
 * `#` or `;` starts a comment only before a key; unquoted values are
 * stripped of trailing blanks and a backslash escapes the next character
 * (an escaped newline is dropped, continuing the value); single quotes are
 * literal; in double quotes a backslash escapes only " \ ` $ and a newline;
 * quoted and unquoted parts join (`A="x"y` is `xy`); no `$VAR` is expanded.
 * A line without `=` is dropped; a later assignment of a name wins.
 */
export function parseEnvironmentFile(text: string): EnvFileAssignment[] {
  type State = 'PRE_KEY' | 'KEY' | 'PRE_VALUE' | 'VALUE' | 'VALUE_ESCAPE' | 'SQ' | 'DQ' | 'DQ_ESCAPE' | 'COMMENT' | 'COMMENT_ESCAPE';
  const out: EnvFileAssignment[] = [];
  let state: State = 'PRE_KEY';
  let key = '';
  let value = '';
  let keyWs = -1;
  let valueWs = -1;
  let line = 1;
  const push = (chompValue: boolean) => {
    const k = keyWs >= 0 ? key.slice(0, keyWs) : key;
    const v = chompValue && valueWs >= 0 ? value.slice(0, valueWs) : value;
    out.push({ name: k, value: v, line });
    key = '';
    value = '';
  };
  for (const c of text) {
    switch (state) {
      case 'PRE_KEY':
        if (c === '#' || c === ';') state = 'COMMENT';
        else if (!WHITESPACE.includes(c)) {
          state = 'KEY';
          keyWs = -1;
          key += c;
        }
        break;
      case 'KEY':
        if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          line += 1;
          key = '';
        } else if (c === '=') {
          state = 'PRE_VALUE';
          valueWs = -1;
        } else {
          if (!WHITESPACE.includes(c)) keyWs = -1;
          else if (keyWs < 0) keyWs = key.length;
          key += c;
        }
        break;
      case 'PRE_VALUE':
        if (NEWLINE.includes(c)) {
          line += 1;
          push(false);
          state = 'PRE_KEY';
        } else if (c === "'") state = 'SQ';
        else if (c === '"') state = 'DQ';
        else if (c === '\\') state = 'VALUE_ESCAPE';
        else if (!WHITESPACE.includes(c)) {
          state = 'VALUE';
          value += c;
        }
        break;
      case 'VALUE':
        if (NEWLINE.includes(c)) {
          line += 1;
          push(true);
          state = 'PRE_KEY';
        } else if (c === '\\') {
          state = 'VALUE_ESCAPE';
          valueWs = -1;
        } else {
          if (!WHITESPACE.includes(c)) valueWs = -1;
          else if (valueWs < 0) valueWs = value.length;
          value += c;
        }
        break;
      case 'VALUE_ESCAPE':
        state = 'VALUE';
        if (!NEWLINE.includes(c)) value += c;
        break;
      case 'SQ':
        if (c === "'") state = 'PRE_VALUE';
        else value += c;
        break;
      case 'DQ':
        if (c === '"') state = 'PRE_VALUE';
        else if (c === '\\') state = 'DQ_ESCAPE';
        else value += c;
        break;
      case 'DQ_ESCAPE':
        state = 'DQ';
        if (SHELL_NEED_ESCAPE.includes(c)) value += c;
        else if (c !== '\n') value += `\\${c}`;
        break;
      case 'COMMENT':
        if (c === '\\') state = 'COMMENT_ESCAPE';
        else if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          line += 1;
        }
        break;
      case 'COMMENT_ESCAPE':
        // Since systemd v254 a comment ending in a backslash no longer swallows the next line.
        if (NEWLINE.includes(c)) {
          state = 'PRE_KEY';
          line += 1;
        } else state = 'COMMENT';
        break;
    }
  }
  if (state === 'PRE_VALUE' || state === 'VALUE' || state === 'VALUE_ESCAPE' || state === 'SQ' || state === 'DQ' || state === 'DQ_ESCAPE') push(state === 'VALUE');
  return out;
}

/** env-util.c env_name_is_valid: what execve'd programs can be given. */
export function isEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * ExecStart='s `$VAR` and `${VAR}`, as replace_env_argv does when the
 * command starts: a word that is exactly `$NAME` becomes the variable's
 * value split at blanks (quotes in the value group words; an unset or empty
 * variable gives no word at all); `${NAME}` anywhere in a word is replaced
 * as-is (unset: empty); `$$` is a `$`. A `$NAME` inside a longer word
 * (`--data-dir=$DIR`) is NOT expanded: etcd gets the text `$DIR`.
 */
export function expandArgv(argv: string[], env: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const word of argv) {
    if (word.startsWith('$') && word[1] !== '{' && word[1] !== '$') {
      const name = word.slice(1);
      const value = isEnvName(name) ? env.get(name) : undefined;
      if (value !== undefined) {
        // strv_split_full(..., WHITESPACE, EXTRACT_RELAX|EXTRACT_UNQUOTE): quotes group, no escapes decoded.
        out.push(...splitRelaxed(value));
      }
      continue;
    }
    out.push(word.replace(/\$\$|\$\{([^}]*)\}/g, (m, name: string | undefined) => (m === '$$' ? '$' : (env.get(name!) ?? ''))));
  }
  return out;
}

/** Words of a variable's value: blanks separate, quotes group, an unfinished quote runs to the end (EXTRACT_RELAX). */
function splitRelaxed(value: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && WHITESPACE.includes(value[i]!)) i += 1;
    if (i >= value.length) break;
    let word = '';
    let quote: string | null = null;
    for (; i < value.length; i += 1) {
      const c = value[i]!;
      if (quote !== null) {
        if (c === quote) quote = null;
        else word += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (WHITESPACE.includes(c)) break;
      else word += c;
    }
    words.push(word);
  }
  return words;
}
