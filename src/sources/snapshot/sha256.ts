import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

const CHUNK = 8 << 20;

/**
 * SHA-256 of the first `length` bytes, read in order by offset. Big files are
 * hashed on a worker thread (same file descriptor, positional reads), so the
 * hash and the page walk use two cores.
 */
export function sha256OfPrefix(fh: FileHandle, length: number, onWorker: boolean): Promise<string> {
  return onWorker ? hashOnWorker(fh.fd, length) : hashHere(fh, length);
}

async function hashHere(fh: FileHandle, length: number): Promise<string> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(length, 1)));
  let pos = 0;
  while (pos < length) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - pos), pos);
    if (bytesRead === 0) throw new Error(`file ended at byte ${pos} while hashing ${length} bytes`);
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return hash.digest('hex');
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readSync } = require('node:fs');
const { createHash } = require('node:crypto');
try {
  const { fd, length, chunk } = workerData;
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(chunk);
  let pos = 0;
  while (pos < length) {
    const n = readSync(fd, buf, 0, Math.min(chunk, length - pos), pos);
    if (n === 0) throw new Error('file ended at byte ' + pos + ' while hashing ' + length + ' bytes');
    hash.update(buf.subarray(0, n));
    pos += n;
  }
  parentPort.postMessage({ digest: hash.digest('hex') });
} catch (e) {
  parentPort.postMessage({ error: String((e && e.message) || e) });
}
`;

function hashOnWorker(fd: number, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { fd, length, chunk: CHUNK } });
    let settled = false;
    worker.once('message', (msg: { digest?: string; error?: string }) => {
      settled = true;
      if (msg.digest) resolve(msg.digest);
      else reject(new Error(msg.error ?? 'hash worker failed'));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`hash worker exited with code ${code}`));
      settled = true;
    });
  });
}
