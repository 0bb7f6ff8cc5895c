/** Test helpers that find and damage bbolt pages in an in-memory copy of a snapshot. */

export const PAGE_SIZE = 4096;

export interface PageInfo {
  id: number;
  flags: number;
  count: number;
  overflow: number;
}

/** Page headers in file order, skipping overflow pages. */
function pageHeaders(file: Buffer, pageSize = PAGE_SIZE, limit = Math.floor(file.length / pageSize)): PageInfo[] {
  const pages: PageInfo[] = [];
  for (let id = 0; id < limit; ) {
    const at = id * pageSize;
    const info = {
      id,
      flags: file.readUInt16LE(at + 8),
      count: file.readUInt16LE(at + 10),
      overflow: file.readUInt32LE(at + 12),
    };
    pages.push(info);
    id += [0x01, 0x02, 0x10].includes(info.flags) ? info.overflow + 1 : 1;
  }
  return pages;
}

/** Every offset of `needle`; freed pages keep stale copies of values beside the live one. */
export function occurrences(file: Buffer, needle: string): number[] {
  const found: number[] = [];
  for (let at = file.indexOf(needle); at >= 0; at = file.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/** The leaf page whose bytes (with overflow) contain byte `at`. */
export function leafHolding(file: Buffer, at: number, pageSize = PAGE_SIZE): PageInfo {
  const page = pageHeaders(file, pageSize).find(
    (p) => p.flags === 0x02 && p.id * pageSize <= at && at < (p.id + p.overflow + 1) * pageSize,
  );
  if (!page) throw new Error(`no leaf page holds byte ${at}`);
  return page;
}

export function branches(file: Buffer, minCount: number, pageSize = PAGE_SIZE): PageInfo[] {
  return pageHeaders(file, pageSize).filter((p) => p.flags === 0x01 && p.count >= minCount);
}

/** Copies with one change each; `file` is left alone. */
export const damage = {
  flipByte(file: Buffer, offset: number): Buffer {
    const copy = Buffer.from(file);
    copy[offset] = copy[offset]! ^ 0x01;
    return copy;
  },
  setPageFlags(file: Buffer, page: number, flags: number, pageSize = PAGE_SIZE): Buffer {
    const copy = Buffer.from(file);
    copy.writeUInt16LE(flags, page * pageSize + 8);
    return copy;
  },
  setPageId(file: Buffer, page: number, id: number, pageSize = PAGE_SIZE): Buffer {
    const copy = Buffer.from(file);
    copy.writeBigUInt64LE(BigInt(id), page * pageSize);
    return copy;
  },
  /** Points branch element 1 at element 0's child, so that child is reached twice. */
  duplicateBranchChild(file: Buffer, branch: number, pageSize = PAGE_SIZE): { copy: Buffer; child: number } {
    const copy = Buffer.from(file);
    const first = branch * pageSize + 16;
    const child = copy.readBigUInt64LE(first + 8);
    copy.writeBigUInt64LE(child, first + 16 + 8);
    return { copy, child: Number(child) };
  },
};
