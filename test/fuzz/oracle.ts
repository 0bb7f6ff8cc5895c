import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';

/**
 * What a manifest file holds, worked out independently of kcheck's reader:
 * the encoding, whether it is YAML or JSON, whether it parses (by the `yaml`
 * package for YAML, JSON.parse for JSON), and how many documents or list
 * items in it kcheck must account for (as an object, a version report, a
 * skipped document or a problem).
 */
export interface Expected {
  encoding: 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be';
  format: 'yaml' | 'json' | 'binary' | 'empty';
  /** Documents and list items that are not null. */
  units: number;
  /** Why the text does not parse, with the 1-based line, when it does not. */
  invalid?: { message: string; line: number };
}

/**
 * Runs `fn` with Node's warnings silenced: the yaml package warns through
 * process.emitWarning (collection keys), and a warning the fuzzer's own
 * parsing causes must not be taken for one kcheck printed.
 */
export function quietly<T>(fn: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = (() => undefined) as typeof process.emitWarning;
  try {
    return fn();
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** Like git (and kcheck), a NUL byte in the first 8000 bytes marks a file as binary. */
const BINARY_SNIFF_BYTES = 8000;

/**
 * UTF-16 without a byte order mark, the way YAML 1.2 detects it (section
 * 5.2): ASCII text has a NUL in every other byte. Demands it of most of the
 * first 64 code units, so a stray NUL in UTF-8 is not taken for UTF-16.
 */
function utf16Without(bytes: Buffer): 'utf16le' | 'utf16be' | undefined {
  const units = Math.min(32, Math.floor(bytes.length / 2));
  if (units < 2) return undefined;
  let le = 0;
  let be = 0;
  for (let i = 0; i < units; i += 1) {
    const a = bytes[2 * i]!;
    const b = bytes[2 * i + 1]!;
    if (a !== 0 && b === 0) le += 1;
    if (a === 0 && b !== 0) be += 1;
  }
  if (le >= units * 0.75 && bytes[1] === 0 && bytes[0] !== 0) return 'utf16le';
  if (be >= units * 0.75 && bytes[0] === 0 && bytes[1] !== 0) return 'utf16be';
  return undefined;
}

function swap16(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  out.swap16();
  return out;
}

export function decode(bytes: Buffer): { text: string; encoding: Expected['encoding']; binary: boolean } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(3)), encoding: 'utf8-bom', binary: bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: bytes.subarray(2).toString('utf16le'), encoding: 'utf16le', binary: false };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: swap16(bytes.subarray(2)).toString('utf16le'), encoding: 'utf16be', binary: false };
  const utf16 = utf16Without(bytes);
  if (utf16 === 'utf16le') return { text: bytes.toString('utf16le'), encoding: utf16, binary: false };
  if (utf16 === 'utf16be') return { text: swap16(bytes).toString('utf16le'), encoding: utf16, binary: false };
  return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), encoding: 'utf8', binary: bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0) };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

function countItems(items: unknown[]): number {
  return items.filter((v) => v !== null && v !== undefined).length;
}

function yamlExpectation(text: string): Pick<Expected, 'units' | 'invalid'> {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false });
  if (!Array.isArray(docs)) return { units: 0 };
  let units = 0;
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) return { units, invalid: { message: error.message, line: counter.linePos(error.pos[0]).line } };
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) continue;
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (err) {
      return { units, invalid: { message: err instanceof Error ? err.message : String(err), line: counter.linePos(root.range[0]).line } };
    }
    if (isSeq(root)) units += countItems(value as unknown[]);
    else if (isMap(root) && isSeq(root.get('items', true))) units += countItems((value as { items: unknown[] }).items);
    else units += 1;
  }
  return { units };
}

/** Splits a stream of concatenated JSON values (kubectl writes several) at the top level. */
function jsonValues(text: string): { text: string; offset: number }[] | { error: string; offset: number } {
  const out: { text: string; offset: number }[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 0 && /\s/.test(c)) continue;
    if (depth === 0 && c !== '{' && c !== '[') return { error: `${JSON.stringify(c)} outside an object or array`, offset: i };
    if (depth === 0) start = i;
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') {
      depth -= 1;
      if (depth === 0) out.push({ text: text.slice(start, i + 1), offset: start });
    }
  }
  if (depth !== 0 || inString) return { error: 'unterminated value', offset: Math.max(start, 0) };
  return out;
}

function jsonExpectation(text: string): Pick<Expected, 'units' | 'invalid'> {
  const values = jsonValues(text);
  if (!Array.isArray(values)) return { units: 0, invalid: { message: values.error, line: lineAt(text, values.offset) } };
  let units = 0;
  for (const piece of values) {
    let value: unknown;
    try {
      value = JSON.parse(piece.text);
    } catch (err) {
      return { units, invalid: { message: (err as Error).message, line: lineAt(text, piece.offset) } };
    }
    if (Array.isArray(value)) units += countItems(value);
    else if (typeof value === 'object' && value !== null && Array.isArray((value as { items?: unknown }).items)) units += countItems((value as { items: unknown[] }).items);
    else units += 1;
  }
  return { units };
}

/** What kcheck must find in a manifest file with these bytes. */
export function expectedDocuments(bytes: Buffer): Expected {
  const { text, encoding, binary } = decode(bytes);
  if (binary) return { encoding, format: 'binary', units: 1 };
  // Like kubectl's YAMLOrJSONDecoder: JSON when the first non-blank character opens an object or array.
  const first = /[^\s\ufeff]/.exec(text);
  if (!first) return { encoding, format: 'empty', units: 0 };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const format = first[0] === '{' || first[0] === '[' ? 'json' : 'yaml';
  try {
    return { encoding, format, ...quietly(() => (format === 'json' ? jsonExpectation(body) : yamlExpectation(body))) };
  } catch (err) {
    // The parser itself gives up (deep nesting overflows the yaml package's): kcheck must say so, at the file.
    return { encoding, format, units: 0, invalid: { message: `the ${format === 'json' ? 'JSON' : 'yaml'} parser fails: ${(err as Error).message}`, line: 1 } };
  }
}
