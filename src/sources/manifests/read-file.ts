import { createReadStream } from 'node:fs';
import type { Inputs, RawObject } from '../types.js';
import { onDisk } from './display-path.js';
import type { ManifestEvent } from './events.js';
import { describeFsError } from './fs-errors.js';
import { streamManifests } from './stream.js';

export const STDIN = '<stdin>';

export interface ReadFileOptions {
  cwd?: string;
  /** Marks every object read from the file (e.g. static pod manifests under --root). */
  origin?: RawObject['origin'];
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

/**
 * Reads one stream of manifests into `into`, naming it `file`. A read error
 * (after whatever was read before it) becomes a scan gap, never an exception.
 */
export async function readManifestStream(
  stream: AsyncIterable<Buffer | string>,
  file: string,
  into: Inputs,
  origin?: RawObject['origin'],
): Promise<void> {
  let events = 0;
  try {
    for await (const event of streamManifests(stream)) {
      events += 1;
      record(event, file, into, origin);
    }
    into.scanned.push(file);
  } catch (err) {
    if (events > 0) into.scanned.push(file);
    into.gaps.push({ what: file, reason: `cannot read: ${describeFsError(err)}` });
  }
}

/** Reads one manifest file (or FIFO, e.g. `<(kubectl get pods -o yaml)`) into `into`. */
export async function readManifestFile(file: string, into: Inputs, options: ReadFileOptions = {}): Promise<void> {
  const stream = createReadStream(onDisk(file, options.cwd), { highWaterMark: 1 << 20 });
  try {
    await readManifestStream(stream, file, into, options.origin);
  } finally {
    stream.destroy();
  }
}
