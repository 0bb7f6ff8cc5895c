import { close, createReadStream, fstat, open, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import {
  MANIFEST_MAX_BYTES,
  overLimit,
  PROBE_FLAGS,
  refusal,
  UnreadableFile,
  type OpenedFile,
} from '../open-file.js';
import type { Inputs, ModelPart, RawObject, ScanGap } from '../types.js';
import { onDisk } from './display-path.js';
import type { ManifestEvent } from './events.js';
import { describeFsError } from './fs-errors.js';
import { streamManifests } from './stream.js';

export const STDIN = '<stdin>';

/** A stream the user sends has no size limit, so a file over it can still be read. */
const OVER_LIMIT_HINT = '; split it, or send it to kcheck scan - on stdin';

const openFd = promisify(open);
const fstatFd = promisify(fstat);
const closeFd = promisify(close);

export interface ReadFileOptions {
  cwd?: string;
  /** Marks every object read from the file (e.g. static pod manifests under --root). */
  origin?: RawObject['origin'];
  /** What a gap for this file leaves partial (a static pod manifest: the control plane). */
  affects?: ModelPart[];
  /**
   * What a FIFO is: a stream to read to its end, like stdin, when the user
   * named it (`kcheck scan <(kubectl get pods -A -o yaml)`, a `mkfifo`), the
   * default; refused when kcheck found it itself (under --root).
   */
  fifo?: 'stream' | 'refuse';
  /** Most bytes of a regular file read (MANIFEST_MAX_BYTES unless given). */
  maxBytes?: number;
  /** Opens the file instead of opening `file` by name: --root opens it confined to the root. */
  open?: () => Promise<OpenedFile>;
}

export interface ReadStreamOptions {
  origin?: RawObject['origin'];
  affects?: ModelPart[];
  /** Stops with a gap after this many bytes; a stream the user sends has no limit. */
  maxBytes?: number;
  /** What the stream is, for the message past maxBytes. */
  what?: string;
}

function record(event: ManifestEvent, file: string, into: Inputs, origin: RawObject['origin']): void {
  const provenance = { type: 'file' as const, file, line: event.at.line, column: event.at.column };
  switch (event.type) {
    case 'object': {
      const raw: RawObject = { object: event.object, provenance };
      if (origin) raw.origin = origin;
      into.objects.push(raw);
      return;
    }
    case 'version': {
      const report: Inputs['versionReports'][number] = { provenance };
      if (event.clientVersion !== undefined) report.clientVersion = event.clientVersion;
      if (event.serverVersion !== undefined) report.serverVersion = event.serverVersion;
      into.versionReports.push(report);
      return;
    }
    case 'problem':
      into.problems.push({ provenance, message: event.message });
      return;
    case 'skipped':
      into.skipped.push({ provenance, reason: event.reason });
      return;
  }
}

function gap(what: string, reason: string, affects: ModelPart[] | undefined): ScanGap {
  return affects ? { what, reason, affects } : { what, reason };
}

function why(err: unknown): string {
  return err instanceof UnreadableFile ? err.reason : describeFsError(err);
}

async function* bounded(stream: AsyncIterable<Buffer | string>, file: string, limit: number, what: string): AsyncGenerator<Buffer | string> {
  let total = 0;
  for await (const chunk of stream) {
    total += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (total > limit) throw new UnreadableFile(file, overLimit(null, limit, what));
    yield chunk;
  }
}

/**
 * Reads one stream of manifests into `into`, naming it `file`. A read error
 * (after whatever was read before it) becomes a scan gap, never an exception.
 */
export async function readManifestStream(
  stream: AsyncIterable<Buffer | string>,
  file: string,
  into: Inputs,
  origin?: RawObject['origin'],
  options: Omit<ReadStreamOptions, 'origin'> = {},
): Promise<void> {
  let events = 0;
  const source = options.maxBytes === undefined ? stream : bounded(stream, file, options.maxBytes, options.what ?? 'a manifest file');
  try {
    for await (const event of streamManifests(source)) {
      events += 1;
      record(event, file, into, origin);
    }
    into.scanned.push(file);
  } catch (err) {
    if (events > 0) into.scanned.push(file);
    into.gaps.push(gap(file, `cannot read: ${why(err)}`, options.affects));
  }
}

type Opened = { kind: 'file'; fd: number; info: Stats } | { kind: 'fifo'; fd: number };

/**
 * Opens a manifest by name without waiting on a FIFO and without opening a
 * device: the path's type first, then open(2) with O_NONBLOCK, then the
 * descriptor's type (the path may have changed in between).
 */
async function openByName(path: string, fifo: boolean): Promise<Opened> {
  const accept = (info: Stats): string | null => (fifo && info.isFIFO() ? null : refusal(info));
  const before = accept(await stat(path));
  if (before) throw new UnreadableFile(path, before);
  const fd = await openFd(path, PROBE_FLAGS);
  try {
    const info = await fstatFd(fd);
    const after = accept(info);
    if (after) throw new UnreadableFile(path, after);
    return info.isFIFO() ? { kind: 'fifo', fd } : { kind: 'file', fd, info };
  } catch (err) {
    await closeFd(fd);
    throw err;
  }
}

/**
 * Reads one manifest file into `into`. A regular file is read up to the size
 * limit (one byte past it tells that it grew); a FIFO named by the user
 * (`<(kubectl get pods -o yaml)`) is read to its end like stdin, waiting for
 * its writer; a device, a socket or a folder is a scan gap.
 */
export async function readManifestFile(file: string, into: Inputs, options: ReadFileOptions = {}): Promise<void> {
  const limit = options.maxBytes ?? MANIFEST_MAX_BYTES;
  const streamOptions = { ...(options.affects ? { affects: options.affects } : {}) };
  let stream: Readable;
  try {
    if (options.open) {
      const { handle, info } = await options.open();
      if (info.size > limit) {
        await handle.close();
        throw new UnreadableFile(file, overLimit(info.size, limit, 'a file found under --root'));
      }
      stream = handle.createReadStream({ start: 0, end: limit, highWaterMark: 1 << 20 });
    } else {
      const opened = await openByName(onDisk(file, options.cwd), options.fifo !== 'refuse');
      if (opened.kind === 'fifo') {
        // A pipe is read as the event loop reads stdin (libuv polls it); a blocking read would hold a thread.
        stream = new Socket({ fd: opened.fd, readable: true, writable: false });
      } else {
        if (opened.info.size > limit) {
          await closeFd(opened.fd);
          throw new UnreadableFile(file, overLimit(opened.info.size, limit, 'a manifest file') + OVER_LIMIT_HINT);
        }
        stream = createReadStream('', { fd: opened.fd, start: 0, end: limit, highWaterMark: 1 << 20 });
      }
    }
  } catch (err) {
    into.gaps.push(gap(file, `cannot read: ${why(err)}`, options.affects));
    return;
  }
  try {
    // The stream of a regular file ends after limit + 1 bytes; a FIFO has no limit, like stdin.
    const isFile = !(stream instanceof Socket);
    const what = options.open ? 'a file found under --root' : 'a manifest file';
    await readManifestStream(stream, file, into, options.origin, isFile ? { ...streamOptions, maxBytes: limit, what } : streamOptions);
  } finally {
    stream.destroy();
  }
}
