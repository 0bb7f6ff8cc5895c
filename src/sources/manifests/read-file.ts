import { close, closeSync, createReadStream, fstat, fstatSync, open, openSync, read, readSync, statSync, type Stats } from 'node:fs';
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
const readFd = promisify(read);

/** The read stream's chunk size: a file no larger than this is one chunk either way. */
const CHUNK = 1 << 20;

/**
 * The whole of a regular file of at most CHUNK bytes, read from the start
 * until read(2) gives nothing (it may have grown since fstat; at most
 * limit + 1 bytes, as the stream reads). The same single chunk a read stream
 * would yield, without a stream's setup and teardown for each small file,
 * which cost more than parsing it.
 */
async function* wholeSmallFile(fd: number, size: number, limit: number, readAt: ReadAt): AsyncGenerator<Buffer> {
  let buffer = Buffer.allocUnsafe(Math.min(size, limit) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit) break;
      const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit + 1));
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const bytesRead = await readAt(fd, buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  // A file that grew past one chunk is yielded in chunks, as the stream would.
  for (let at = 0; at < length; at += CHUNK) yield buffer.subarray(at, Math.min(at + CHUNK, length));
}

/** pread(2), on the thread pool or (in a worker thread, which has nothing else to do) blocking. */
type ReadAt = (fd: number, buffer: Buffer, offset: number, length: number, position: number) => number | Promise<number>;
const readOnPool: ReadAt = async (fd, buffer, offset, length, position) => (await readFd(fd, buffer, offset, length, position)).bytesRead;
const readBlocking: ReadAt = (fd, buffer, offset, length, position) => readSync(fd, buffer, offset, length, position);

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
  /**
   * Opens, checks and reads a file named by path with the synchronous calls:
   * one system call each instead of a round trip through libuv's thread pool,
   * which costs several times more than the call for a file of a few KB. For
   * the manifest pool's worker threads, which have nothing else to do while
   * they wait. The same checks, in the same order, with the same errors.
   */
  blocking?: boolean;
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
async function openByName(path: string, fifo: boolean, blocking: boolean): Promise<Opened> {
  if (blocking) return openByNameBlocking(path, fifo);
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

/** openByName with the synchronous calls. */
function openByNameBlocking(path: string, fifo: boolean): Opened {
  const accept = (info: Stats): string | null => (fifo && info.isFIFO() ? null : refusal(info));
  const before = accept(statSync(path));
  if (before) throw new UnreadableFile(path, before);
  const fd = openSync(path, PROBE_FLAGS);
  try {
    const info = fstatSync(fd);
    const after = accept(info);
    if (after) throw new UnreadableFile(path, after);
    return info.isFIFO() ? { kind: 'fifo', fd } : { kind: 'file', fd, info };
  } catch (err) {
    closeSync(fd);
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
  let stream: Readable | undefined;
  let small: { fd: number; size: number } | undefined;
  try {
    if (options.open) {
      const { handle, info } = await options.open();
      if (info.size > limit) {
        await handle.close();
        throw new UnreadableFile(file, overLimit(info.size, limit, 'a file found under --root'));
      }
      stream = handle.createReadStream({ start: 0, end: limit, highWaterMark: CHUNK });
    } else {
      const opened = await openByName(onDisk(file, options.cwd), options.fifo !== 'refuse', options.blocking === true);
      if (opened.kind === 'fifo') {
        // A pipe is read as the event loop reads stdin (libuv polls it); a blocking read would hold a thread.
        stream = new Socket({ fd: opened.fd, readable: true, writable: false });
      } else {
        if (opened.info.size > limit) {
          await closeFd(opened.fd);
          throw new UnreadableFile(file, overLimit(opened.info.size, limit, 'a manifest file') + OVER_LIMIT_HINT);
        }
        if (opened.info.size <= CHUNK) small = { fd: opened.fd, size: opened.info.size };
        else stream = createReadStream('', { fd: opened.fd, start: 0, end: limit, highWaterMark: CHUNK });
      }
    }
  } catch (err) {
    into.gaps.push(gap(file, `cannot read: ${why(err)}`, options.affects));
    return;
  }
  if (small) {
    const { fd, size } = small;
    const whole = wholeSmallFile(fd, size, limit, options.blocking ? readBlocking : readOnPool);
    try {
      await readManifestStream(whole, file, into, options.origin, { ...streamOptions, maxBytes: limit, what: 'a manifest file' });
    } finally {
      // As a stream's destroy(): an error closing a descriptor that was read changes nothing read.
      if (options.blocking) {
        try {
          closeSync(fd);
        } catch {
          // ignored, as above
        }
      } else await closeFd(fd).catch(() => undefined);
    }
    return;
  }
  try {
    // The stream of a regular file ends after limit + 1 bytes; a FIFO has no limit, like stdin.
    const isFile = !(stream instanceof Socket);
    const what = options.open ? 'a file found under --root' : 'a manifest file';
    await readManifestStream(stream!, file, into, options.origin, isFile ? { ...streamOptions, maxBytes: limit, what } : streamOptions);
  } finally {
    stream!.destroy();
  }
}
