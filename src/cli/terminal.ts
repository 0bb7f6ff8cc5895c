/** Colour on a terminal only; NO_COLOR (https://no-color.org) and FORCE_COLOR override. */
export function wantsColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0' && env['FORCE_COLOR'] !== 'false') return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stream.isTTY === true;
}

/** A write to a pipe whose reader has gone (`kcheck plan | head`), or a write after that one. */
function closedByReader(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
}

function onStreamError(error: NodeJS.ErrnoException): void {
  // Anything else (a full disk, a bad descriptor) is a real failure, reported as before.
  if (!closedByReader(error)) throw error;
  // Quietly, and with the exit code the run computed: the reader leaving early
  // (head, less quit) changes nothing about the cluster, and kcheck's exit code
  // is the CI gate. 0 (what ESLint does) would let `kcheck scan | head` pass
  // under `set -o pipefail` with errors found; 141 (killed by SIGPIPE) would fail
  // a clean one. Output is written when a run is finished, so nothing is lost
  // by letting it end normally.
}

/**
 * Makes kcheck exit quietly when the reader closes stdout or stderr: without
 * a listener Node turns the EPIPE into an uncaught exception and a stack
 * trace. Once per stream however often it is called.
 */
export function quietWhenReaderCloses(streams: NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if (!stream.listeners('error').includes(onStreamError)) stream.on('error', onStreamError);
  }
}
