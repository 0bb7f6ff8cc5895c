import { FREELIST_PAGE, PAGE_HEADER_SIZE, pageFlagsName } from './bbolt-layout.js';
import type { PageStore } from './page-store.js';
import type { ProblemLog } from './problem-log.js';
import type { TreeWalker } from './tree-walk.js';

/** bbolt writes a count of 0xFFFF and the real count as the first u64 when it does not fit (freelist.go read). */
const COUNT_OVERFLOW = 0xffff;
/** Page ids listed in problem messages before "...". */
const SHOWN_IDS = 10;

export interface Freelist {
  page: number;
  /** One byte per page of the file: 1 when the freelist lists it. */
  free: Uint8Array;
}

/** Reads the freelist page and marks it as used; null (with a problem) when it is unreadable. */
export async function readFreelist(
  store: PageStore,
  walker: TreeWalker,
  page: number,
  pageCount: number,
  log: ProblemLog,
): Promise<Freelist | null> {
  if (page < 2 || page >= pageCount) {
    log.add('freelist', `the meta page names page ${page} as the freelist, outside the database's ${pageCount} pages`, page);
    return null;
  }
  if (page >= store.pagesInFile) {
    log.add('freelist', `freelist page ${page} lies past the end of the file`, page);
    return null;
  }
  const buf = await store.take(page);
  const flags = buf.readUInt16LE(8);
  const overflow = buf.readUInt32LE(12);
  if (flags !== FREELIST_PAGE) {
    log.add('freelist', `page ${page}: page type is ${pageFlagsName(flags)}, but the meta page names it as the freelist`, page);
    return null;
  }
  if (buf.length < (overflow + 1) * store.pageSize) {
    log.add('freelist', `freelist page ${page}: its ${overflow} overflow pages run past the end of the file or database`, page);
    return null;
  }
  walker.markReached(page, overflow + 1, 'as the freelist');
  let count = buf.readUInt16LE(10);
  let at = PAGE_HEADER_SIZE;
  if (count === COUNT_OVERFLOW) {
    count = Number(buf.readBigUInt64LE(at));
    at += 8;
  }
  if (at + count * 8 > buf.length) {
    log.add('freelist', `freelist page ${page}: ${count} free page ids do not fit in the page`, page);
    return null;
  }
  const free = new Uint8Array(walker.reached.length);
  const twice: number[] = [];
  const outside: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = Number(buf.readBigUInt64LE(at + i * 8));
    if (id < 2 || id >= pageCount) outside.push(id);
    else if (id < free.length) {
      if (free[id]) twice.push(id);
      free[id] = 1;
    }
  }
  if (outside.length > 0) log.add('freelist', `the freelist lists ${describeIds(outside)} outside the database's pages 2..${pageCount - 1}`);
  if (twice.length > 0) log.add('freelist', `the freelist lists ${describeIds(twice)} twice`);
  return { page, free };
}

/** After the walk: every page is either reached or free, never both (bbolt tx.check). */
export function crossCheckFreelist(freelist: Freelist, walker: TreeWalker, pageCount: number, log: ProblemLog): number {
  const bothUsedAndFree: number[] = [];
  const neither: number[] = [];
  let freeCount = 0;
  const limit = Math.min(pageCount, walker.reached.length);
  for (let id = 0; id < limit; id++) {
    const isFree = freelist.free[id] === 1;
    const isReached = walker.reached[id] === 1;
    if (isFree) freeCount++;
    if (isFree && isReached) bothUsedAndFree.push(id);
    else if (!isFree && !isReached) neither.push(id);
  }
  if (bothUsedAndFree.length > 0) log.add('freelist', `${idsAre(bothUsedAndFree)} in use and also on the freelist`);
  if (neither.length > 0 && !walker.skippedPages) {
    log.add('freelist', `${idsAre(neither)} neither in use nor on the freelist`);
  }
  return freeCount;
}

function describeIds(ids: number[]): string {
  const shown = ids.slice(0, SHOWN_IDS).join(', ');
  const more = ids.length > SHOWN_IDS ? `, ... (${ids.length} in all)` : '';
  return ids.length === 1 ? `page ${shown}` : `pages ${shown}${more}`;
}

function idsAre(ids: number[]): string {
  return `${describeIds(ids)} ${ids.length === 1 ? 'is' : 'are'}`;
}
