import { StringDecoder } from 'node:string_decoder';
import type { ManifestEvent } from './events.js';
import { Judge } from './judge.js';
import { JsonSplitter } from './json-splitter.js';
import type { Splitter } from './pieces.js';
import { YamlSplitter } from './yaml-splitter.js';

/** Like git, a NUL byte (or, in UTF-16, a NUL character) in the first 8000 marks a file as binary. */
const BINARY_SNIFF = 8000;
const START = { line: 1, column: 1 } as const;

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

function isAscii(byte: number | undefined): boolean {
  return byte !== undefined && byte > 0 && byte < 0x80;
}

/**
 * The encoding of a YAML stream from its first four bytes: a byte order
 * mark, or the NUL bytes around a first ASCII character
 * (https://yaml.org/spec/1.2.2/#52-character-encodings). JSON is read the
 * same way (RFC 4627 section 3 names the same patterns).
 */
function detectEncoding(head: Buffer): Encoding {
  const [b0, b1, b2, b3] = [head[0], head[1], head[2], head[3]];
  if (b0 === 0 && b1 === 0 && ((b2 === 0xfe && b3 === 0xff) || (b2 === 0 && isAscii(b3)))) return 'utf-32be';
  if ((b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (isAscii(b0) && b1 === 0 && b2 === 0 && b3 === 0)) return 'utf-32le';
  if ((b0 === 0xfe && b1 === 0xff) || (b0 === 0 && isAscii(b1))) return 'utf-16be';
  if ((b0 === 0xff && b1 === 0xfe) || (isAscii(b0) && b1 === 0)) return 'utf-16le';
  return 'utf-8';
}

interface Decoder {
  write(bytes: Buffer): string;
  end(): string;
}

/** UTF-16BE: each pair of bytes swapped, then read as UTF-16LE; an odd byte waits for the next chunk. */
class Utf16BeDecoder implements Decoder {
  private inner = new StringDecoder('utf16le');
  private odd: Buffer | undefined;

  write(bytes: Buffer): string {
    const all = this.odd ? Buffer.concat([this.odd, bytes]) : Buffer.from(bytes);
    const even = all.length - (all.length % 2);
    this.odd = even < all.length ? all.subarray(even) : undefined;
    return this.inner.write(all.subarray(0, even).swap16());
  }

  end(): string {
    // A last odd byte is half a character: StringDecoder reads it as a replacement character.
    const rest = this.odd ? this.inner.write(this.odd) : '';
    this.odd = undefined;
    return rest + this.inner.end();
  }
}

function decoderFor(encoding: 'utf-8' | 'utf-16le' | 'utf-16be'): Decoder {
  if (encoding === 'utf-16be') return new Utf16BeDecoder();
  return new StringDecoder(encoding === 'utf-8' ? 'utf8' : 'utf16le');
}

function splitterFor(head: string): Splitter | undefined {
  const first = /[^\s\ufeff]/.exec(head);
  if (!first) return undefined;
  return first[0] === '{' || first[0] === '[' ? new JsonSplitter() : new YamlSplitter();
}

function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Bytes or text in, manifest events out; one per stream. */
class ManifestReader {
  private judge = new Judge();
  private splitter: Splitter | undefined;
  private decoder: Decoder | undefined;
  private encoding: Encoding | undefined;
  /** Bytes held until there are enough to tell the encoding. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Bytes (UTF-8) or characters (UTF-16) looked at for NUL so far. */
  private sniffed = 0;
  /** Text before the first non-blank character, which decides JSON or YAML. */
  private head = '';
  /** Nothing more is read: the stream is binary or in an encoding kcheck does not read. */
  done = false;

  *bytes(chunk: Buffer): Generator<ManifestEvent> {
    if (!this.encoding) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
      if (this.heldBytes < 4) return;
      yield* this.start();
      return;
    }
    yield* this.decode(chunk);
  }

  *text(text: string): Generator<ManifestEvent> {
    yield* this.feed(text);
  }

  *end(): Generator<ManifestEvent> {
    if (!this.encoding && this.heldBytes > 0) yield* this.start();
    if (this.done) return;
    let tail = this.decoder?.end() ?? '';
    if (this.encoding && this.encoding !== 'utf-8' && this.sniffed < BINARY_SNIFF && tail.includes('\0')) {
      yield { type: 'skipped', reason: 'binary file (contains NUL characters), not YAML or JSON', at: START };
      return;
    }
    if (!this.splitter) {
      tail = withoutByteOrderMark(this.head + tail);
      this.splitter = splitterFor(tail);
      if (!this.splitter) {
        yield { type: 'skipped', reason: 'empty file', at: START };
        return;
      }
    }
    if (tail) this.splitter.push(tail);
    this.splitter.end();
    yield* this.pieces();
  }

  private *start(): Generator<ManifestEvent> {
    const bytes = Buffer.concat(this.held);
    this.held = [];
    this.heldBytes = 0;
    const encoding = detectEncoding(bytes);
    this.encoding = encoding;
    if (encoding === 'utf-32le' || encoding === 'utf-32be') {
      this.done = true;
      const name = encoding === 'utf-32le' ? 'UTF-32LE' : 'UTF-32BE';
      yield { type: 'problem', message: `the file is ${name} text; kcheck reads UTF-8 and UTF-16: convert it with iconv -f ${name} -t UTF-8`, at: START };
      return;
    }
    this.decoder = decoderFor(encoding);
    yield* this.decode(bytes);
  }

  private *decode(chunk: Buffer): Generator<ManifestEvent> {
    if (this.done) return;
    if (this.encoding === 'utf-8' && this.sniffed < BINARY_SNIFF) {
      const window = chunk.subarray(0, BINARY_SNIFF - this.sniffed);
      this.sniffed += window.length;
      if (window.includes(0)) {
        this.done = true;
        yield { type: 'skipped', reason: 'binary file (contains NUL bytes), not YAML or JSON', at: START };
        return;
      }
    }
    const text = this.decoder!.write(chunk);
    if (this.encoding !== 'utf-8' && this.sniffed < BINARY_SNIFF) {
      const window = text.slice(0, BINARY_SNIFF - this.sniffed);
      this.sniffed += window.length;
      if (window.includes('\0')) {
        this.done = true;
        yield { type: 'skipped', reason: 'binary file (contains NUL characters), not YAML or JSON', at: START };
        return;
      }
    }
    yield* this.feed(text);
  }

  private *feed(chunk: string): Generator<ManifestEvent> {
    let text = chunk;
    if (!this.splitter) {
      this.head += text;
      this.splitter = splitterFor(this.head);
      if (!this.splitter) return;
      text = withoutByteOrderMark(this.head);
      this.head = '';
    }
    this.splitter.push(text);
    yield* this.pieces();
  }

  /**
   * What the splitter found, judged one piece at a time: a piece that makes
   * the judge throw becomes a problem at its place, and the next pieces are
   * still read.
   */
  private *pieces(): Generator<ManifestEvent> {
    for (const piece of this.splitter!.take()) {
      let events: ManifestEvent[];
      try {
        events = [...this.judge.accept(piece)];
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        events = [{ type: 'problem', message: `cannot read this document: ${message}`, at: piece.at }];
      }
      yield* events;
    }
  }
}

/**
 * Reads YAML or JSON manifests from a byte stream and yields what it finds as
 * soon as each document or list item is complete. Like kubectl's
 * YAMLOrJSONDecoder, content whose first non-blank character is `{` is JSON
 * (and, here, `[` too); anything else is YAML. UTF-8 and UTF-16 (either byte
 * order, with or without a byte order mark) are read.
 */
export async function* streamManifests(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<ManifestEvent> {
  const reader = new ManifestReader();
  for await (const chunk of chunks) {
    yield* typeof chunk === 'string' ? reader.text(chunk) : reader.bytes(chunk);
    if (reader.done) return;
  }
  yield* reader.end();
}
