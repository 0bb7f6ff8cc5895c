import type { Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { fileKind, PROBE_FLAGS } from '../open-file.js';
import { BUCKET_HEADER_SIZE, NO_FREELIST, type Meta } from './bbolt-layout.js';
import { EtcdTally } from './etcd-tally.js';
import { crossCheckFreelist, readFreelist, type Freelist } from './freelist.js';
import { readMetaPages } from './meta-pages.js';
import { PageStore } from './page-store.js';
import { ProblemLog } from './problem-log.js';
import { sha256OfPrefix } from './sha256.js';
import { type EntryVisitor, TreeWalker } from './tree-walk.js';
import {
  type BboltFacts,
  type InspectOptions,
  type MetaPageReport,
  type SnapshotReport,
  type SnapshotVerdict,
  SnapshotReadError,
} from './types.js';

/** `etcdctl snapshot save` appends the SHA-256 of the database (etcdutl hasChecksum). */
const TRAILER_SIZE = 32;
const SECTOR = 512;
const DEFAULT_WORKER_HASH_THRESHOLD = 64 << 20;

/** Why this is not read as a snapshot, or null for a regular file. */
function notASnapshot(info: Stats): string | null {
  if (info.isFile()) return null;
  if (info.isDirectory()) return 'is a directory, not a snapshot file';
  return `is ${fileKind(info)}, not a snapshot file`;
}

/**
 * Reads an etcd snapshot (or a raw `member/snap/db`) by offset and judges it:
 * meta pages, truncation, the SHA-256 trailer, every bucket tree, and etcd's own
 * figures. Opens the file read-only without a lock: bbolt's flock would make
 * this wait for a running etcd, as `etcdctl snapshot status` does. Only a
 * regular file is opened: a FIFO would wait for a writer and a device may
 * never end, so both are refused before open(2), and after it by fstat of
 * the descriptor (the path may change in between).
 * Rejects with SnapshotReadError only when the file cannot be read at all.
 */
export async function inspectSnapshot(path: string, options: InspectOptions = {}): Promise<SnapshotReport> {
  let fh: FileHandle;
  try {
    const refused = notASnapshot(await stat(path));
    if (refused) throw new SnapshotReadError(path, refused);
    fh = await open(path, PROBE_FLAGS);
  } catch (err) {
    if (err instanceof SnapshotReadError) throw err;
    throw new SnapshotReadError(path, fsReason(err));
  }
  return inspectOpenSnapshot(fh, path, options);
}

/**
 * inspectSnapshot on a file already opened (under --root, opened confined to
 * the root). Closes `fh`.
 */
export async function inspectOpenSnapshot(fh: FileHandle, path: string, options: InspectOptions = {}): Promise<SnapshotReport> {
  try {
    const before = await fh.stat();
    const refused = notASnapshot(before);
    if (refused) throw new SnapshotReadError(path, refused);
    const report = await inspectOpenFile(fh, path, before.size, before.mtime, options);
    const after = await fh.stat();
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
      report.notes.push('the file changed while it was read (a running etcd may be writing it); copy it or take a snapshot for exact figures');
    }
    return report;
  } catch (err) {
    if (err instanceof SnapshotReadError) throw err;
    throw new SnapshotReadError(path, `could not be inspected: ${fsReason(err)}`);
  } finally {
    await fh.close();
  }
}

async function inspectOpenFile(
  fh: FileHandle,
  path: string,
  size: number,
  mtime: Date,
  options: InspectOptions,
): Promise<SnapshotReport> {
  const report: SnapshotReport = {
    file: path,
    fileSize: size,
    fileMtime: mtime.toISOString(),
    verdict: 'ok',
    problems: [],
    warnings: [],
    notes: [],
    trailer: { present: false },
  };
  const log = new ProblemLog();
  if (size === 0) {
    log.add('file', 'file is empty (0 bytes)');
    return conclude(report, log, 'corrupt');
  }
  const hasTrailer = size > TRAILER_SIZE && size % SECTOR === TRAILER_SIZE;
  const dataLength = hasTrailer ? size - TRAILER_SIZE : size;
  report.trailer.present = hasTrailer;

  const metas = await readMetaPages(fh, dataLength);
  if (metas.kind === 'not-bbolt') {
    log.addAll(metas.problems);
    return conclude(report, log, 'not-etcd');
  }
  const threshold = options.workerHashThreshold ?? DEFAULT_WORKER_HASH_THRESHOLD;
  const hashing = hasTrailer ? sha256OfPrefix(fh, dataLength, dataLength >= threshold) : null;
  hashing?.catch(() => undefined);
  log.addAll(metas.problems);
  if (metas.kind === 'usable') for (const t of metas.tolerated) log.tolerate(t.part, t.message, t.page);

  let notEtcd = false;
  if (metas.kind === 'usable') {
    const walked = await walkDatabase(fh, metas.active, metas.activeIndex, metas.pages, size, dataLength, hasTrailer, log, report);
    notEtcd = walked.notEtcd;
  }

  if (hashing) {
    const stored = Buffer.alloc(TRAILER_SIZE);
    await fh.read(stored, 0, TRAILER_SIZE, dataLength);
    const computed = await hashing;
    report.trailer.stored = stored.toString('hex');
    report.trailer.computed = computed;
    report.trailer.matches = report.trailer.stored === computed;
    if (!report.trailer.matches) {
      log.add('trailer', `sha256 trailer does not match the content: the file changed after etcd wrote it (trailer ${report.trailer.stored}, content ${computed})`);
    }
  } else {
    report.notes.push(
      `no SHA-256 trailer (size ${size} % 512 = ${size % SECTOR}, not 32): a copy of member/snap/db rather than an \`etcdctl snapshot save\` file; nothing proves the copy is whole, and restore needs --skip-hash-check`,
    );
  }
  if (notEtcd) return conclude(report, log, 'not-etcd');
  return conclude(report, log, log.count() > 0 ? 'corrupt' : hasTrailer ? 'ok' : 'unverifiable');
}

async function walkDatabase(
  fh: FileHandle,
  meta: Meta,
  activeIndex: 0 | 1,
  metaPages: MetaPageReport[],
  size: number,
  dataLength: number,
  hasTrailer: boolean,
  log: ProblemLog,
  report: SnapshotReport,
): Promise<{ notEtcd: boolean }> {
  const pageSize = meta.pageSize;
  const pageCount = Number(meta.pageCount);
  const databaseSize = pageCount * pageSize;
  const truncated = dataLength < databaseSize
    ? `${hasTrailer ? `file is ${size} bytes (${dataLength} before its trailer)` : `file is ${size} bytes`} but the database says ${pageCount} pages × ${pageSize} = ${databaseSize} bytes: truncated`
    : null;
  // A truncation is judged after the walk (judgeTruncation): a cut that takes only pages no tree reaches loses nothing.
  if (!truncated && dataLength > databaseSize) {
    report.notes.push(`${dataLength - databaseSize} bytes follow the database's last page (bbolt grows its file ahead of use)`);
  }

  const store = new PageStore(fh, pageSize, dataLength, pageCount);
  const walker = new TreeWalker(store, pageCount, log);
  walker.markReached(0, 2, 'as the meta pages');
  let freelist: Freelist | null = null;
  if (meta.freelist !== NO_FREELIST) {
    freelist = await readFreelist(store, walker, Number(meta.freelist), pageCount, log);
  }

  const buckets: { name: Buffer; value: Buffer }[] = [];
  const plainKeys: string[] = [];
  await walker.walk(Number(meta.rootPage), 'the root bucket', (key, value, isBucket) => {
    if (isBucket) buckets.push({ name: Buffer.from(key), value: Buffer.from(value) });
    else plainKeys.push(key.toString('utf8'));
  });

  const tally = new EtcdTally(log);
  const nested: { label: string; value: Buffer }[] = [];
  for (const bucket of buckets) {
    const label = `bucket "${bucket.name.toString('utf8')}"`;
    tally.startBucket(bucket.name);
    await walkBucket(walker, bucket.value, label, log, (key, value, isBucket) => {
      if (isBucket) nested.push({ label: `${label}/"${key.toString('utf8')}"`, value: Buffer.from(value) });
      tally.entry(key, value, isBucket);
    });
  }
  // etcd keeps no nested buckets; any found are still checked for damage.
  while (nested.length > 0) {
    const bucket = nested.shift()!;
    await walkBucket(walker, bucket.value, bucket.label, log, (key, value, isBucket) => {
      if (isBucket) nested.push({ label: `${bucket.label}/"${key.toString('utf8')}"`, value: Buffer.from(value) });
    });
  }
  store.clear();
  if (truncated) judgeTruncation(truncated, walker, store.pagesInFile, pageCount, log);

  const reachable = Math.min(pageCount, walker.reached.length);
  const pagesFree = freelist ? crossCheckFreelist(freelist, walker, pageCount, log) : reachable - walker.pagesReached;
  const bbolt: BboltFacts = {
    pageSize,
    pageCount,
    databaseSize,
    txid: Number(meta.txid),
    activeMeta: activeIndex,
    metaPages,
    freelistPage: freelist ? freelist.page : meta.freelist === NO_FREELIST ? null : Number(meta.freelist),
    pagesInUse: walker.pagesReached,
    pagesFree,
  };
  report.bbolt = bbolt;

  const names = buckets.map((b) => b.name.toString('utf8'));
  if (!names.includes('key')) {
    if (walker.skippedPages) return { notEtcd: false };
    log.add('etcd', `a bbolt database without etcd's "key" bucket (buckets: ${names.length > 0 ? names.join(', ') : 'none'})`);
    return { notEtcd: true };
  }
  for (const key of plainKeys) log.add('etcd', `the root bucket holds a plain key "${key}" where etcd keeps only buckets`);
  report.etcd = tally.figures(databaseSize, !walker.skippedPages);
  report.kubernetes = tally.kubernetes();
  return { notEtcd: false };
}

/**
 * A file cut short before the database's last page. When the walk reached no
 * page past the cut and read every tree, the pages cut off are free pages:
 * bbolt (etcd's NoFreelistSync) rebuilds its freelist from what the trees
 * reach and never reads them, so restore and etcd serve the same data.
 */
function judgeTruncation(message: string, walker: TreeWalker, pagesInFile: number, pageCount: number, log: ProblemLog): void {
  if (walker.skippedPages) {
    log.addFirst('file', message);
    return;
  }
  const last = pageCount - 1;
  const cut = pagesInFile >= last ? `page ${last}` : `pages ${pagesInFile}..${last}`;
  log.tolerate('file', `${message}; the missing ${cut} hold nothing the trees reach (free pages), which bbolt never reads`);
}

async function walkBucket(walker: TreeWalker, value: Buffer, label: string, log: ProblemLog, visit: EntryVisitor): Promise<void> {
  if (value.length < BUCKET_HEADER_SIZE) {
    log.add('tree', `${label}: bucket header is ${value.length} bytes (expected ${BUCKET_HEADER_SIZE})`);
    walker.skippedPages = true;
    return;
  }
  const root = value.readBigUInt64LE(0);
  if (root === 0n) walker.walkInline(value, label, visit);
  else await walker.walk(Number(root), label, visit);
}

function conclude(report: SnapshotReport, log: ProblemLog, verdict: SnapshotVerdict): SnapshotReport {
  report.problems = log.list();
  report.warnings = log.warnings();
  report.verdict = verdict;
  return report;
}

function fsReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a snapshot file';
    default:
      return e instanceof Error ? e.message : String(err);
  }
}
