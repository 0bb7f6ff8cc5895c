import type { FileHandle } from 'node:fs/promises';
import { PAGE_HEADER_SIZE } from './bbolt-layout.js';

/** Pages at most this far apart are fetched in one read (the gap is read and dropped). */
const GAP_PAGES = 2;
const MAX_READ_BYTES = 8 << 20;
/** Overflow pages fetched ahead per batch; larger values are fetched when walked to. */
const OVERFLOW_BUDGET_BYTES = 32 << 20;
/**
 * No etcd value comes near this (requests are capped by --max-request-bytes,
 * 1.5 MiB by default); a page header claiming more is damaged and is not read.
 */
export const MAX_PAGE_BYTES = 512 << 20;

/**
 * Reads bbolt pages by offset, never the whole file. The tree walk announces the
 * pages it will visit next; they are fetched in a few large reads (neighbouring
 * ids merged) while the walk works on earlier pages.
 */
export class PageStore {
  private readonly loaded = new Map<number, Buffer>();
  private readonly pending = new Map<number, Promise<void>>();

  constructor(
    private readonly fh: FileHandle,
    readonly pageSize: number,
    /** Bytes of the file that hold pages (the file without its trailer). */
    readonly dataLength: number,
    /** The database's page count (meta high-water mark): no page extends past it. */
    readonly pageCount: number,
  ) {}

  /** Whole pages the file holds. */
  get pagesInFile(): number {
    return Math.floor(this.dataLength / this.pageSize);
  }

  /** Starts fetching these pages; returns at once. */
  prefetch(ids: readonly number[]): void {
    const wanted = [...new Set(ids)]
      .filter((id) => !this.loaded.has(id) && !this.pending.has(id) && id < this.pagesInFile)
      .sort((a, b) => a - b);
    if (wanted.length === 0) return;
    const maxPages = Math.max(1, Math.floor(MAX_READ_BYTES / this.pageSize));
    const budget = { bytes: OVERFLOW_BUDGET_BYTES };
    let group: number[] = [wanted[0]!];
    const flush = (): void => {
      const ids = group;
      const job = this.readGroup(ids, budget).finally(() => {
        for (const id of ids) this.pending.delete(id);
      });
      job.catch(() => undefined);
      for (const id of ids) this.pending.set(id, job);
    };
    for (const id of wanted.slice(1)) {
      const start = group[0]!;
      const last = group[group.length - 1]!;
      if (id - last <= GAP_PAGES + 1 && id - start < maxPages) group.push(id);
      else {
        flush();
        group = [id];
      }
    }
    flush();
  }

  /**
   * The page with all its overflow pages. Only the first page comes back when the
   * overflow runs past the file, past the page count or past MAX_PAGE_BYTES: the
   * caller compares the length with the header. The caller checks
   * `id < pagesInFile` first. The page is forgotten once taken.
   */
  async take(id: number): Promise<Buffer> {
    const job = this.pending.get(id);
    if (job) await job;
    let buf = this.loaded.get(id);
    this.loaded.delete(id);
    if (!buf) buf = await this.readPages(id, 1);
    const want = this.fullLength(id, buf);
    if (buf.length < want) buf = await this.readPages(id, want / this.pageSize);
    return buf;
  }

  /** Reads `count` pages from `id`, fewer where the file ends. */
  async readPages(id: number, count: number): Promise<Buffer> {
    const offset = id * this.pageSize;
    const length = Math.max(0, Math.min(count * this.pageSize, this.dataLength - offset));
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === length ? buf : buf.subarray(0, done);
  }

  /** Bytes the page spans with its overflow pages, or just the first page when that cannot be right. */
  private fullLength(id: number, firstPage: Buffer): number {
    if (firstPage.length < PAGE_HEADER_SIZE) return firstPage.length;
    const pages = firstPage.readUInt32LE(12) + 1;
    const bytes = pages * this.pageSize;
    const fits = id + pages <= Math.min(this.pageCount, this.pagesInFile) && bytes <= MAX_PAGE_BYTES;
    return fits ? bytes : firstPage.length;
  }

  private async readGroup(ids: number[], budget: { bytes: number }): Promise<void> {
    const start = ids[0]!;
    const end = ids[ids.length - 1]!;
    const block = await this.readPages(start, end - start + 1);
    const followUps: Promise<void>[] = [];
    for (const id of ids) {
      const at = (id - start) * this.pageSize;
      const first = block.subarray(at, at + this.pageSize);
      const want = this.fullLength(id, first);
      if (at + want <= block.length) {
        this.loaded.set(id, block.subarray(at, at + want));
      } else if (want <= budget.bytes) {
        budget.bytes -= want;
        followUps.push(this.readPages(id, want / this.pageSize).then((full) => void this.loaded.set(id, full)));
      } else {
        this.loaded.set(id, first);
      }
    }
    await Promise.all(followUps);
  }

  /** Drops pages fetched ahead but never walked to (e.g. after damage cut a walk short). */
  clear(): void {
    this.loaded.clear();
  }
}
