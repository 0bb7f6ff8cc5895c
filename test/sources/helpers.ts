import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileProvenance, Inputs, Provenance, RawObject } from '../../src/sources/types.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/sources/', import.meta.url));

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function filePosition(provenance: Provenance): Omit<FileProvenance, 'type'> {
  if (provenance.type !== 'file') throw new Error(`expected a file provenance, got ${provenance.type}`);
  return { file: provenance.file, line: provenance.line, column: provenance.column };
}

/** `Kind name @ line:column` for each object, in order. */
export function placed(inputs: Inputs): string[] {
  return inputs.objects.map((o: RawObject) => {
    const p = filePosition(o.provenance);
    return `${o.object.kind} ${o.object.metadata?.name ?? '-'} @ ${p.line}:${p.column}`;
  });
}

export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'kcheck-sources-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
