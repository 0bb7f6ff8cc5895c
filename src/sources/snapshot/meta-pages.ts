import type { FileHandle } from 'node:fs/promises';
import {
  COMMON_PAGE_SIZES,
  META_BYTES,
  META_PAGE,
  MAGIC,
  type Meta,
  hex32,
  isPlausiblePageSize,
  metaDefect,
  pageFlagsName,
  readMeta,
  readPageHeader,
} from './bbolt-layout.js';
import type { MetaPageReport, SnapshotProblem } from './types.js';

/** The page size bbolt assumes when meta page 0 cannot tell it (the x86-64 OS page size). */
const OS_PAGE_SIZE = 4096;

export type MetaOutcome =
  | {
      kind: 'usable';
      pageSize: number;
      active: Meta;
      activeIndex: 0 | 1;
      pages: MetaPageReport[];
      problems: SnapshotProblem[];
      /** Damage bbolt reads around: it opens the database through the other page and loses nothing. */
      tolerated: SnapshotProblem[];
    }
  | { kind: 'not-bbolt'; problems: SnapshotProblem[] }
  | { kind: 'unusable'; pages: MetaPageReport[]; problems: SnapshotProblem[] };

interface MetaRead {
  index: 0 | 1;
  offset: number;
  meta: Meta;
  /** Why bbolt would not use it; null when valid. */
  defect: string | null;
  /** Damage to the page header that bbolt itself does not look at. */
  headerDefect: string | null;
}

/**
 * Finds the meta page bbolt would use: both pages are checked (magic, version,
 * FNV-1a checksum) and the valid one with the higher txid wins (bbolt db.meta()).
 * The page size comes from meta page 0; when that page is damaged, meta page 1
 * is looked for at the common page sizes, as the file gives no other hint.
 */
export async function readMetaPages(fh: FileHandle, fileSize: number): Promise<MetaOutcome> {
  if (fileSize < META_BYTES) {
    return { kind: 'not-bbolt', problems: [{ part: 'file', message: `not a bbolt database: ${fileSize} bytes is too short to hold a meta page` }] };
  }
  const first = await readMetaAt(fh, 0, 0);
  const candidates = first.defect === null || isPlausiblePageSize(first.meta.pageSize)
    ? [first.meta.pageSize, ...COMMON_PAGE_SIZES.filter((s) => s !== first.meta.pageSize)]
    : COMMON_PAGE_SIZES;
  let found: MetaRead | null = null;
  let damaged: MetaRead | null = null;
  let sawMagicAtMeta1 = false;
  let meta1Missing = 'meta page 1: not found at the page size of meta page 0 or at any usual page size';
  for (const size of candidates) {
    if (!isPlausiblePageSize(size)) continue;
    const namedByMeta0 = size === first.meta.pageSize;
    if (size + META_BYTES > fileSize) {
      if (first.defect === null && namedByMeta0) {
        meta1Missing = `meta page 1: the file ends (${fileSize} bytes) before it (offset ${size})`;
        break;
      }
      continue;
    }
    const read = await readMetaAt(fh, 1, size);
    if (read.meta.magic === MAGIC) sawMagicAtMeta1 = true;
    const sizeDefect = read.defect === null && read.meta.pageSize !== size
      ? `records page size ${read.meta.pageSize} but sits at offset ${size}`
      : null;
    if (read.defect === null && sizeDefect === null) {
      found = read;
      break;
    }
    if (!damaged && (namedByMeta0 || read.meta.magic === MAGIC)) damaged = { ...read, defect: read.defect ?? sizeDefect };
    // A valid meta page 0 names the page size: meta page 1 is there or nowhere.
    if (first.defect === null && namedByMeta0) break;
  }
  const second = found ?? damaged;

  if (first.meta.magic !== MAGIC && !sawMagicAtMeta1) {
    return {
      kind: 'not-bbolt',
      problems: [{
        part: 'file',
        message: `not a bbolt database (bytes 16-19 are 0x${hex32(first.meta.magic)}, the bbolt magic is 0x${hex32(MAGIC)}, and no second meta page was found at the usual page sizes)`,
      }],
    };
  }

  const reads = second ? [first, second] : [first];
  const valid = reads.filter((r) => r.defect === null);
  const pages = reads.map(toReport);
  const problems: SnapshotProblem[] = [];
  const tolerated: SnapshotProblem[] = [];
  const active = valid.length > 0 ? valid.reduce((best, r) => (r.meta.txid > best.meta.txid ? r : best)) : null;
  for (const r of reads) {
    if (r.defect) {
      const loses = active ? lostByFallback(r, active) : null;
      const message = `meta page ${r.index}: ${r.defect}`;
      if (active && loses === null) {
        tolerated.push({ part: 'meta', page: r.index, message: `${message}; bbolt opens the database through meta page ${active.index}, which leads to the same data` });
      } else {
        problems.push({ part: 'meta', page: r.index, message: loses ? `${message}; ${loses}` : message });
      }
    }
    // bbolt reads the meta struct at byte 16 and never checks the page header
    // around it (bbolt v1.4.3 db.go mmap: `db.meta0 = db.page(0).Meta()`).
    if (r.headerDefect) tolerated.push({ part: 'meta', page: r.index, message: `meta page ${r.index}: ${r.headerDefect}; bbolt does not read the header of a meta page` });
  }
  if (!second) {
    problems.push({ part: 'meta', page: 1, message: meta1Missing });
  }
  if (!active) {
    problems.push({ part: 'meta', message: 'both meta pages are damaged: bbolt (and etcd) cannot open this database' });
    return { kind: 'unusable', pages, problems };
  }
  return { kind: 'usable', pageSize: active.meta.pageSize, active: active.meta, activeIndex: active.index, pages, problems, tolerated };
}

/**
 * What falling back from a damaged meta page to the valid one loses, or null
 * when nothing: bbolt uses the valid page with the higher txid (bbolt v1.4.3
 * db.go meta()). The damaged page lost nothing when what it still says is no
 * newer than the valid page, or names the same tree (a snapshot's two meta
 * pages are written alike by bbolt tx.WriteTo). When meta page 0 is the
 * damaged one, bbolt before v1.3.7 (etcd 3.4) takes the page size from the OS
 * instead (4096 on x86-64) and finds meta page 1 only at that size.
 */
function lostByFallback(damaged: MetaRead, active: MetaRead): string | null {
  if (damaged.index === 0 && active.meta.pageSize !== OS_PAGE_SIZE) {
    return `etcd 3.4 (bbolt before v1.3.7) looks for meta page 1 at the OS page size, ${OS_PAGE_SIZE} on x86-64, not at ${active.meta.pageSize}`;
  }
  const d = damaged.meta;
  const a = active.meta;
  const sameTree = d.rootPage === a.rootPage && d.freelist === a.freelist && d.pageCount === a.pageCount;
  if (d.magic === MAGIC && d.txid > a.txid && !sameTree) {
    return `it claims the newer transaction ${d.txid}: bbolt falls back to transaction ${a.txid} of meta page ${active.index} and the newer writes are lost`;
  }
  return null;
}

async function readMetaAt(fh: FileHandle, index: 0 | 1, offset: number): Promise<MetaRead> {
  const buf = Buffer.alloc(META_BYTES);
  await fh.read(buf, 0, META_BYTES, offset);
  const meta = readMeta(buf);
  const header = readPageHeader(buf);
  let headerDefect: string | null = null;
  if (meta.magic === MAGIC) {
    if (header.flags !== META_PAGE) headerDefect = `page type is ${pageFlagsName(header.flags)} (expected meta)`;
    else if (header.id !== BigInt(index)) headerDefect = `header says it is page ${header.id}`;
  }
  return { index, offset, meta, defect: metaDefect(meta), headerDefect };
}

function toReport(r: MetaRead): MetaPageReport {
  const report: MetaPageReport = { index: r.index, offset: r.offset, valid: r.defect === null };
  if (r.defect) report.reason = r.defect;
  if (r.defect === null) {
    report.txid = Number(r.meta.txid);
    report.pageSize = r.meta.pageSize;
    report.pageCount = Number(r.meta.pageCount);
  }
  return report;
}
