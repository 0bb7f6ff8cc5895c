import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { emptyInputs, type Inputs } from '../types.js';
import { readManifestFile } from './read-file.js';

/** Some files of a folder, in order, for one worker. */
export interface Batch {
  id: number;
  files: string[];
  cwd: string | undefined;
}

/** What each file of a batch gave, in the batch's order; or why the worker could not read it. */
export type BatchResult = { id: number; results: Inputs[]; error?: undefined } | { id: number; error: string; results?: undefined };

/**
 * `auto` reads on worker threads only a folder of at least POOL_MIN_FILES
 * files; `always` and `never` are for tests, which compare the two paths.
 */
export type PoolMode = 'auto' | 'always' | 'never';

/**
 * A worker costs about 50 ms of start-up (a thread, and the YAML parsers
 * loaded again in it) and each object is copied to the main thread once.
 * Parsing takes roughly 0.3 ms per file of a few KB, so below a few hundred
 * files the threads would cost more than they save.
 */
const POOL_MIN_FILES = 256;

/**
 * The worker file sits next to this one in build/ (tsc's output). The
 * Action's esbuild bundle (scripts/bundle.mjs) is the single file
 * dist/index.js, with no manifest-worker.js beside it: there the files are
 * read on the main thread, as they are below POOL_MIN_FILES.
 */
const WORKER_FILE = new URL('./manifest-worker.js', import.meta.url);

let workerFileExists: boolean | undefined;

export function usePool(mode: PoolMode, files: number): boolean {
  if (mode === 'never' || files === 0 || (mode === 'auto' && files < POOL_MIN_FILES)) return false;
  workerFileExists ??= WORKER_FILE.protocol === 'file:' && existsSync(fileURLToPath(WORKER_FILE));
  return workerFileExists;
}

/** Reads a batch on this thread: what a worker that failed would have given. */
async function readHere(files: string[], cwd: string | undefined): Promise<Inputs[]> {
  const results: Inputs[] = [];
  for (const file of files) {
    const into = emptyInputs();
    await readManifestFile(file, into, cwd === undefined ? {} : { cwd });
    results.push(into);
  }
  return results;
}

/**
 * Reads `files` on worker threads, one per core, and hands what each file
 * gave to `onFile` in the order of `files`: the result is the same as
 * reading them one after the other on this thread (readManifestFile appends
 * only what its own file holds). Workers take batches from a queue, so a
 * slow file holds up one batch, not a fixed share; this thread only copies
 * results in and merges them. A batch whose worker fails is read here.
 *
 * Cost: O(total bytes) parsing spread over the workers, plus one structured
 * copy of every object read (O(object size)) on this thread.
 */
export async function readFilesOnWorkers(files: string[], cwd: string | undefined, onFile: (inputs: Inputs) => void): Promise<void> {
  const threads = Math.max(1, Math.min(availableParallelism(), 8, Math.ceil(files.length / 32)));
  // Small enough that every worker gets many batches (even load), large enough that messages are few.
  const size = Math.max(4, Math.min(64, Math.ceil(files.length / (threads * 8))));
  const batches: Batch[] = [];
  for (let at = 0, id = 0; at < files.length; at += size, id++) batches.push({ id, files: files.slice(at, at + size), cwd });

  const done = new Map<number, Inputs[]>();
  let merged = 0;
  const flush = (): void => {
    for (let results = done.get(merged); results; results = done.get(merged)) {
      done.delete(merged);
      merged += 1;
      for (const inputs of results) onFile(inputs);
    }
  };

  let queued = 0;
  const failed: Batch[] = [];
  await Promise.all(
    Array.from({ length: threads }, () =>
      new Promise<void>((resolve) => {
        // A young generation larger than the default scavenges less often: parsing makes many short-lived strings.
        const worker = new Worker(WORKER_FILE, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
        const mine = new Map<number, Batch>();
        let finished = false;
        const finish = (): void => {
          if (finished) return;
          finished = true;
          failed.push(...mine.values());
          mine.clear();
          void worker.terminate();
          resolve();
        };
        const send = (): void => {
          const batch = batches[queued];
          if (!batch) return;
          queued += 1;
          mine.set(batch.id, batch);
          worker.postMessage(batch);
        };
        worker.on('message', (result: BatchResult) => {
          const batch = mine.get(result.id);
          mine.delete(result.id);
          if (result.results) done.set(result.id, result.results);
          else if (batch) failed.push(batch);
          flush();
          send();
          if (mine.size === 0) finish();
        });
        worker.once('error', finish);
        worker.once('exit', finish);
        // Two batches each: the worker starts the next while this thread copies the last one in.
        send();
        send();
        if (mine.size === 0) finish();
      }),
    ),
  );
  // Batches no worker read (one failed, or none started) are read here, in order.
  failed.sort((a, b) => a.id - b.id);
  for (const batch of [...failed, ...batches.slice(queued)]) {
    done.set(batch.id, await readHere(batch.files, cwd));
    flush();
  }
}
