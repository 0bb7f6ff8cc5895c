import { StringDecoder } from 'node:string_decoder';
import type { ManifestEvent } from './events.js';
import { Judge } from './judge.js';
import { JsonSplitter } from './json-splitter.js';
import type { Splitter } from './pieces.js';
import { YamlSplitter } from './yaml-splitter.js';

/** Like git, a NUL byte in the first 8000 bytes marks a file as binary. */
const BINARY_SNIFF_BYTES = 8000;
const START = { line: 1, column: 1 } as const;

function splitterFor(head: string): Splitter | undefined {
  const first = /[^\s\ufeff]/.exec(head);
  if (!first) return undefined;
  return first[0] === '{' || first[0] === '[' ? new JsonSplitter() : new YamlSplitter();
}

function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads YAML or JSON manifests from a byte stream and yields what it finds as
 * soon as each document or list item is complete. Like kubectl's
 * YAMLOrJSONDecoder, content whose first non-blank character is `{` is JSON
 * (and, here, `[` too); anything else is YAML.
 */
export async function* streamManifests(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<ManifestEvent> {
  let decoder: StringDecoder | undefined;
  let sniffed = 0;
  let head = '';
  let splitter: Splitter | undefined;
  const judge = new Judge();

  for await (const chunk of chunks) {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
    } else {
      if (sniffed < BINARY_SNIFF_BYTES) {
        const window = chunk.subarray(0, BINARY_SNIFF_BYTES - sniffed);
        // PowerShell's `>` writes UTF-16LE with a byte order mark; its ASCII has NUL bytes.
        if (sniffed === 0 && chunk[0] === 0xff && chunk[1] === 0xfe) decoder = new StringDecoder('utf16le');
        else if (window.includes(0) && decoder === undefined) {
          yield { type: 'skipped', reason: 'binary file (contains NUL bytes), not YAML or JSON', at: START };
          return;
        }
        sniffed += window.length;
      }
      decoder ??= new StringDecoder('utf8');
      text = decoder.write(chunk);
    }
    if (!splitter) {
      head += text;
      splitter = splitterFor(head);
      if (!splitter) continue;
      text = withoutByteOrderMark(head);
      head = '';
    }
    splitter.push(text);
    for (const piece of splitter.take()) yield* judge.accept(piece);
  }

  let tail = decoder?.end() ?? '';
  if (!splitter) {
    tail = withoutByteOrderMark(head + tail);
    splitter = splitterFor(tail);
    if (!splitter) {
      yield { type: 'skipped', reason: 'empty file', at: START };
      return;
    }
  }
  if (tail) splitter.push(tail);
  splitter.end();
  for (const piece of splitter.take()) yield* judge.accept(piece);
}
