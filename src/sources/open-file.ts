import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { lstat, open, stat, type FileHandle } from 'node:fs/promises';
import { describeFsError } from './manifests/fs-errors.js';

const MiB = 1024 * 1024;

/**
 * kcheck's own configuration; a 20,000-key file is about 600 KiB, so this is
 * far above any real one.
 */
export const CONFIG_MAX_BYTES = 16 * MiB;
/**
 * One file read from a node's root: a certificate, a kubeconfig, a static pod
 * manifest, a kubeadm configuration. etcd refuses a request over 1.5 MiB
 * (--max-request-bytes, https://etcd.io/docs/v3.5/dev-guide/limit/), so no
 * Kubernetes object on disk comes near this; neither does a CA bundle.
 */
export const HOST_FILE_MAX_BYTES = 16 * MiB;
/**
 * One manifest file. Dumps are streamed (`kubectl get pods -A -o json` of a
 * large cluster is about 1 GiB), so this is about what can be read in
 * reasonable time and memory, not about what fits in one string. A stream
 * (stdin, a FIFO) has no such limit: the user chose to send it.
 */
export const MANIFEST_MAX_BYTES = 2048 * MiB;

/**
 * open(2) flags for reading a file that may turn out to be something else.
 * O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting
 * for a writer (fifo(7), https://man7.org/linux/man-pages/man7/fifo.7.html);
 * on a regular file it changes nothing (open(2): "O_NONBLOCK ... has no effect
 * for regular files and block devices"). O_NOCTTY: a terminal opened here
 * never becomes the process's controlling terminal.
 */
export const PROBE_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** What a non-regular file is, in words: "a FIFO (named pipe)". */
export function fileKind(info: Stats): string {
  if (info.isFile()) return 'a regular file';
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'a special file';
}

let nullDevice: number | null | undefined;

/**
 * Whether this is the null device (`--config /dev/null` is the usual way to
 * say "no configuration"): a character device reading as empty, never as
 * endless (null(4), https://man7.org/linux/man-pages/man4/null.4.html).
 */
function isNullDevice(info: Stats): boolean {
  if (!info.isCharacterDevice()) return false;
  if (nullDevice === undefined) {
    try {
      const known = statSync('/dev/null');
      nullDevice = known.isCharacterDevice() ? known.rdev : null;
    } catch {
      nullDevice = null;
    }
  }
  return nullDevice !== null && info.rdev === nullDevice;
}

function bytes(n: number): string {
  if (n >= 1024 * MiB) return `${(n / (1024 * MiB)).toFixed(1).replace(/\.0$/, '')} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}

export function overLimit(size: number | null, limit: number, what: string): string {
  return size === null
    ? `is over the ${bytes(limit)} limit for ${what} (it grew while it was read)`
    : `is ${bytes(size)}${size >= 1024 ? ` (${size} bytes)` : ''}, over the ${bytes(limit)} limit for ${what}`;
}

/** A file that was not read, and why in words; `code` is the errno when the system refused it. */
export class UnreadableFile extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

function unreadable(path: string, err: unknown): UnreadableFile {
  if (err instanceof UnreadableFile) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
  return new UnreadableFile(path, describeFsError(err), code);
}

/** Why a file of this type is not read as one, or null when it is read (a regular file, the null device). */
export function refusal(info: Stats): string | null {
  if (info.isFile() || isNullDevice(info)) return null;
  if (info.isDirectory()) return 'is a directory';
  return `is ${fileKind(info)}, not a regular file`;
}

export interface BoundedRead {
  /** Most bytes read; a larger file is refused. */
  limit: number;
  /** What the file is, for the message: "a config file". */
  what: string;
}

/**
 * Reads a whole regular file, at most `limit` bytes, never blocking on a FIFO
 * and never opening a device: the path's type is checked before open(2) (a
 * device can act on open, e.g. a watchdog), the opened descriptor's type
 * after it (the path may have changed in between), and at most limit + 1
 * bytes are read (the file may grow). Throws UnreadableFile.
 */
export function readBoundedFileSync(path: string, bound: BoundedRead): Buffer {
  let fd: number;
  try {
    const before = refusal(statSync(path));
    if (before) throw new UnreadableFile(path, before);
    fd = openSync(path, PROBE_FLAGS);
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    const info = fstatSync(fd);
    const why = refusal(info);
    if (why) throw new UnreadableFile(path, why);
    if (info.size > bound.limit) throw new UnreadableFile(path, overLimit(info.size, bound.limit, bound.what));
    const chunks: Buffer[] = [];
    let total = 0;
    const chunkSize = Math.min(bound.limit + 1, Math.max(info.size + 1, 64 * 1024));
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(chunkSize, bound.limit + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > bound.limit) throw new UnreadableFile(path, overLimit(null, bound.limit, bound.what));
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    closeSync(fd);
  }
}

export interface OpenedFile {
  handle: FileHandle;
  info: Stats;
}

/**
 * Opens a path for reading without blocking and without opening a device:
 * lstat/stat first, then open(2) with PROBE_FLAGS (plus `extraFlags`, e.g.
 * O_NOFOLLOW), then fstat of the descriptor. Gives back the handle and what
 * fstat says; the caller decides what to accept. Throws UnreadableFile for
 * anything but a regular file, a FIFO when `fifo` is set, or the null device.
 */
export async function openForReading(path: string, options: { fifo?: boolean; extraFlags?: number; noFollow?: boolean } = {}): Promise<OpenedFile> {
  const accept = (info: Stats): string | null => (options.fifo && info.isFIFO() ? null : refusal(info));
  let handle: FileHandle;
  try {
    const before = accept(options.noFollow ? await lstat(path) : await stat(path));
    if (before) throw new UnreadableFile(path, before);
    handle = await open(path, PROBE_FLAGS | (options.noFollow ? constants.O_NOFOLLOW : 0) | (options.extraFlags ?? 0));
  } catch (err) {
    throw unreadable(path, err);
  }
  try {
    const info = await handle.stat();
    const why = accept(info);
    if (why) throw new UnreadableFile(path, why);
    return { handle, info };
  } catch (err) {
    await handle.close();
    throw unreadable(path, err);
  }
}

/** Reads an opened regular file whole, at most `limit` bytes (limit + 1 are read to tell). Throws UnreadableFile. */
export async function readOpened(opened: OpenedFile, path: string, bound: BoundedRead): Promise<Buffer> {
  const { handle, info } = opened;
  if (info.size > bound.limit) throw new UnreadableFile(path, overLimit(info.size, bound.limit, bound.what));
  const chunks: Buffer[] = [];
  let total = 0;
  const chunkSize = Math.min(bound.limit + 1, Math.max(info.size + 1, 64 * 1024));
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(chunkSize, bound.limit + 1 - total));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > bound.limit) throw new UnreadableFile(path, overLimit(null, bound.limit, bound.what));
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    }
  } catch (err) {
    throw unreadable(path, err);
  }
  return Buffer.concat(chunks, total);
}
