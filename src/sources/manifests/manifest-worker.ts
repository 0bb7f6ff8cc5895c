/**
 * A worker thread of the manifest pool (pool.ts): reads the files of each
 * batch it is sent with the same readManifestFile the main thread uses, and
 * sends back what each file gave, in the batch's order.
 */
import { parentPort } from 'node:worker_threads';
import { emptyInputs, type Inputs } from '../types.js';
import { readManifestFile } from './read-file.js';
import type { Batch, BatchResult } from './pool.js';


async function readBatch(batch: Batch): Promise<BatchResult> {
  const results: Inputs[] = [];
  // Blocking reads, one file after the other: a worker has nothing else to do while it waits.
  const options = { blocking: true, ...(batch.cwd === undefined ? {} : { cwd: batch.cwd }) };
  for (const file of batch.files) {
    const into = emptyInputs();
    await readManifestFile(file, into, options);
    results.push(into);
  }
  return { id: batch.id, results };
}

parentPort?.on('message', (batch: Batch) => {
  readBatch(batch).then(
    (result) => parentPort!.postMessage(result),
    (err: unknown) => parentPort!.postMessage({ id: batch.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
