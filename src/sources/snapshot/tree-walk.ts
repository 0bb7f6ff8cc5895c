import {
  BRANCH_PAGE,
  BUCKET_HEADER_SIZE,
  BUCKET_LEAF_FLAG,
  ELEMENT_SIZE,
  LEAF_PAGE,
  PAGE_HEADER_SIZE,
  compareKeys,
  pageFlagsName,
} from './bbolt-layout.js';
import { MAX_PAGE_BYTES, type PageStore } from './page-store.js';
import type { ProblemLog } from './problem-log.js';

/** Called for every leaf element in key order; buffers are only valid during the call. */
export type EntryVisitor = (key: Buffer, value: Buffer, isBucket: boolean) => void;

interface ChildRef {
  id: number;
  /** Keys of this subtree must be >= low and < high (from the parent branch). */
  low: Buffer | null;
  high: Buffer | null;
  parent: number | null;
}

interface Frame {
  refs: ChildRef[];
  next: number;
  prefetchedTo: number;
}

/** Children announced to the page store ahead of the walk. */
const PREFETCH_WINDOW = 256;
/** bbolt trees of an 8 GB database are 4-5 levels deep; more means a loop in the pages. */
const MAX_DEPTH = 64;

/**
 * Walks bbolt bucket trees in key order, as a bbolt cursor would, checking what
 * `bbolt check` checks: page ids within the page count, page types, element
 * bounds, key order, and that no page is reached twice.
 */
export class TreeWalker {
  /** One byte per page of the file: 1 once a tree, meta page or the freelist uses it. */
  readonly reached: Uint8Array;
  private reachedCount = 0;
  /** Set when damage made the walk skip pages: what it counted is then incomplete. */
  skippedPages = false;

  constructor(
    private readonly store: PageStore,
    private readonly pageCount: number,
    private readonly log: ProblemLog,
  ) {
    this.reached = new Uint8Array(Math.min(pageCount, store.pagesInFile));
  }

  get pagesReached(): number {
    return this.reachedCount;
  }

  /** Marks `pages` pages from `id` as used; reports and returns false when one already was. */
  markReached(id: number, pages: number, where: string): boolean {
    for (let p = id; p < id + pages && p < this.reached.length; p++) {
      if (this.reached[p]) {
        this.log.add('tree', `page ${p} reached twice (again ${where})`, p);
        this.skippedPages = true;
        return false;
      }
    }
    for (let p = id; p < id + pages && p < this.reached.length; p++) {
      this.reached[p] = 1;
      this.reachedCount++;
    }
    return true;
  }

  async walk(root: number, bucket: string, visit: EntryVisitor): Promise<void> {
    const frames: Frame[] = [{ refs: [{ id: root, low: null, high: null, parent: null }], next: 0, prefetchedTo: 0 }];
    const order = { previous: null as Buffer | null };
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.next >= frame.refs.length) {
        frames.pop();
        continue;
      }
      if (frame.prefetchedTo - frame.next < PREFETCH_WINDOW / 2 && frame.prefetchedTo < frame.refs.length) {
        const upTo = Math.min(frame.refs.length, frame.next + PREFETCH_WINDOW);
        this.store.prefetch(frame.refs.slice(frame.prefetchedTo, upTo).map((r) => r.id).filter((id) => id < this.reached.length));
        frame.prefetchedTo = upTo;
      }
      const ref = frame.refs[frame.next++]!;
      const children = await this.visitPage(ref, bucket, frames.length, visit, order);
      if (children) frames.push({ refs: children, next: 0, prefetchedTo: 0 });
    }
  }

  /** An inline bucket: a leaf page stored inside its parent's value (bbolt bucket.go openBucket). */
  walkInline(value: Buffer, bucket: string, visit: EntryVisitor): void {
    const page = value.subarray(BUCKET_HEADER_SIZE);
    const where = `inline bucket ${bucket}`;
    if (page.length < PAGE_HEADER_SIZE) {
      this.damage(`${where}: value of ${value.length} bytes is too short for its inline page`);
      return;
    }
    const flags = page.readUInt16LE(8);
    if (flags !== LEAF_PAGE) {
      this.damage(`${where}: inline page type is ${pageFlagsName(flags)} (expected leaf)`);
      return;
    }
    this.visitLeaf(page, page.readUInt16LE(10), where, null, { previous: null }, visit);
  }

  private async visitPage(
    ref: ChildRef,
    bucket: string,
    depth: number,
    visit: EntryVisitor,
    order: { previous: Buffer | null },
  ): Promise<ChildRef[] | null> {
    const { id } = ref;
    const from = ref.parent === null ? `as the root of ${bucket}` : `from page ${ref.parent} of ${bucket}`;
    if (depth > MAX_DEPTH) return this.damage(`${bucket}: tree deeper than ${MAX_DEPTH} levels at page ${id}`, id);
    if (id < 2) return this.damage(`page ${id} is a meta page but is referenced ${from}`, id);
    if (id >= this.pageCount) {
      return this.damage(`page ${id} is referenced ${from} but the database has only ${this.pageCount} pages`, id);
    }
    if (id >= this.store.pagesInFile) {
      return this.damage(`page ${id} (referenced ${from}) lies past the end of the file, which holds ${this.store.pagesInFile} pages`, id);
    }
    const buf = await this.store.take(id);
    const headerId = buf.readBigUInt64LE(0);
    const flags = buf.readUInt16LE(8);
    const count = buf.readUInt16LE(10);
    const overflow = buf.readUInt32LE(12);
    if (headerId !== BigInt(id)) return this.damage(`page ${id}: header says it is page ${headerId} (referenced ${from})`, id);
    if (flags !== BRANCH_PAGE && flags !== LEAF_PAGE) {
      return this.damage(`page ${id}: page type is ${pageFlagsName(flags)}, expected branch or leaf (referenced ${from})`, id);
    }
    const pages = overflow + 1;
    if (id + pages > this.pageCount) {
      return this.damage(`page ${id}: its ${overflow} overflow pages run past the database's ${this.pageCount} pages`, id);
    }
    if (id + pages > this.store.pagesInFile) {
      return this.damage(`page ${id}: its ${overflow} overflow pages run past the end of the file`, id);
    }
    if (pages * this.store.pageSize > MAX_PAGE_BYTES) {
      return this.damage(`page ${id}: claims ${overflow} overflow pages (${pages * this.store.pageSize} bytes), more than any etcd value`, id);
    }
    if (buf.length < pages * this.store.pageSize) return this.damage(`page ${id}: the file ended while reading its overflow pages`, id);
    if (!this.markReached(id, pages, from)) return null;
    if (PAGE_HEADER_SIZE + count * ELEMENT_SIZE > buf.length) {
      return this.damage(`page ${id}: ${count} elements do not fit in the page`, id);
    }
    const where = `page ${id}`;
    if (flags === LEAF_PAGE) {
      this.visitLeaf(buf, count, where, ref, order, visit);
      return null;
    }
    if (count === 0) return this.damage(`page ${id}: branch page without elements`, id);
    return this.branchChildren(buf, id, count, ref);
  }

  private branchChildren(buf: Buffer, id: number, count: number, ref: ChildRef): ChildRef[] | null {
    const keys: Buffer[] = [];
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const at = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
      const pos = buf.readUInt32LE(at);
      const ksize = buf.readUInt32LE(at + 4);
      const start = at + pos;
      if (start + ksize > buf.length) return this.damage(`page ${id}: element ${i} points past the end of the page`, id);
      keys.push(buf.subarray(start, start + ksize));
      ids.push(Number(buf.readBigUInt64LE(at + 8)));
    }
    this.checkOrder(keys, ref, `page ${id}`, id);
    return ids.map((child, i) => ({
      id: child,
      low: keys[i]!,
      high: i + 1 < keys.length ? keys[i + 1]! : ref.high,
      parent: id,
    }));
  }

  private visitLeaf(
    buf: Buffer,
    count: number,
    where: string,
    ref: ChildRef | null,
    order: { previous: Buffer | null },
    visit: EntryVisitor,
  ): void {
    if (PAGE_HEADER_SIZE + count * ELEMENT_SIZE > buf.length) {
      this.damage(`${where}: ${count} elements do not fit in the page`);
      return;
    }
    const keys: Buffer[] = [];
    const values: Buffer[] = [];
    const buckets: boolean[] = [];
    for (let i = 0; i < count; i++) {
      const at = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
      const flags = buf.readUInt32LE(at);
      const pos = buf.readUInt32LE(at + 4);
      const ksize = buf.readUInt32LE(at + 8);
      const vsize = buf.readUInt32LE(at + 12);
      const start = at + pos;
      if (start + ksize + vsize > buf.length) {
        this.damage(`${where}: element ${i} points past the end of the page`, ref?.id);
        return;
      }
      if ((flags & ~BUCKET_LEAF_FLAG) !== 0) {
        // bbolt tests only the bucket bit (bbolt v1.4.3 internal/common/page.go
        // LeafPageElement.IsBucketEntry: `flags & BucketLeafFlag != 0`).
        this.log.tolerate('tree', `${where}: element ${i} has unknown flags 0x${flags.toString(16)}; bbolt reads only the bucket bit`, ref?.id);
      }
      keys.push(buf.subarray(start, start + ksize));
      values.push(buf.subarray(start + ksize, start + ksize + vsize));
      buckets.push((flags & BUCKET_LEAF_FLAG) !== 0);
    }
    if (ref) this.checkOrder(keys, ref, where, ref.id);
    const first = keys[0];
    if (first && order.previous && compareKeys(order.previous, first) >= 0) {
      this.log.add('tree', `${where}: first key is not after the last key of the previous page`, ref?.id);
    }
    if (keys.length > 0) order.previous = keys[keys.length - 1]!;
    for (let i = 0; i < keys.length; i++) visit(keys[i]!, values[i]!, buckets[i]!);
  }

  /** Keys strictly ascending and within the range the parent branch gives this page. */
  private checkOrder(keys: Buffer[], ref: ChildRef, where: string, page: number): void {
    for (let i = 1; i < keys.length; i++) {
      if (compareKeys(keys[i - 1]!, keys[i]!) >= 0) {
        this.log.add('tree', `${where}: keys out of order at element ${i}`, page);
        return;
      }
    }
    const first = keys[0];
    const last = keys[keys.length - 1];
    if (first && ref.low && compareKeys(first, ref.low) < 0) {
      this.log.add('tree', `${where}: first key sorts before the key its parent page ${ref.parent} gives it`, page);
    }
    if (last && ref.high && compareKeys(last, ref.high) >= 0) {
      this.log.add('tree', `${where}: last key sorts at or after the next key of its parent page ${ref.parent}`, page);
    }
  }

  private damage(message: string, page?: number): null {
    this.log.add('tree', message, page);
    this.skippedPages = true;
    return null;
  }
}
