import { createHash } from 'node:crypto';
import { Rng } from '../fuzz/prng.js';

/** mulberry32: a small seeded generator, so every mutated file can be made again from its seed. */
function seededRandom(seed: number): (n: number) => number {
  const rng = new Rng(seed);
  return (n: number) => rng.int(n);
}

export interface Mutation {
  /** e.g. "flip bit 3 of byte 8200; trailer recomputed". */
  what: string;
  bytes: Buffer;
}

const TRAILER = 32;
const PAGE = 4096;

/**
 * One seeded change to a snapshot (or raw db) file: a bit flip (often in the
 * first bytes of a page, where headers and elements are), a truncation, a
 * zeroed page, or two pages swapped; then, for a file with a trailer, the
 * SHA-256 is recomputed over the damaged content (most of the time, so that
 * the damage itself is what restore meets) or left as it was.
 */
export function mutate(original: Buffer, hasTrailer: boolean, seed: number): Mutation {
  const next = seededRandom(seed);
  const data = Buffer.from(hasTrailer ? original.subarray(0, original.length - TRAILER) : original);
  const pages = Math.max(1, Math.floor(data.length / PAGE));
  const kind = next(10);
  let what: string;
  let bytes: Buffer = data;
  if (kind < 6) {
    const page = next(pages);
    const offset = Math.min(data.length - 1, page * PAGE + (next(2) === 0 ? next(80) : next(PAGE)));
    const bit = next(8);
    data[offset] = data[offset]! ^ (1 << bit);
    what = `flip bit ${bit} of byte ${offset} (page ${page})`;
  } else if (kind === 6) {
    const cut = next(2) === 0 ? next(data.length) : Math.max(0, (next(pages) + 1) * PAGE - (next(2) === 0 ? 0 : 512 * (1 + next(7))));
    bytes = data.subarray(0, cut);
    what = `truncate to ${cut} bytes`;
  } else if (kind === 7) {
    const page = next(4) === 0 ? next(2) : next(pages);
    data.fill(0, page * PAGE, (page + 1) * PAGE);
    what = `zero page ${page}`;
  } else {
    const a = next(pages);
    const b = next(pages);
    const copy = Buffer.from(data.subarray(a * PAGE, (a + 1) * PAGE));
    data.copy(data, a * PAGE, b * PAGE, (b + 1) * PAGE);
    copy.copy(data, b * PAGE);
    what = `swap pages ${a} and ${b}`;
  }
  if (!hasTrailer || kind === 6) return { what, bytes };
  if (next(10) < 7) {
    const sha = createHash('sha256').update(bytes).digest();
    return { what: `${what}; trailer recomputed`, bytes: Buffer.concat([bytes, sha]) };
  }
  return { what: `${what}; trailer kept`, bytes: Buffer.concat([bytes, original.subarray(original.length - TRAILER)]) };
}
