import { open } from 'node:fs/promises';
import { BUCKET_HEADER_SIZE } from '../../src/sources/snapshot/bbolt-layout.js';
import { readMetaPages } from '../../src/sources/snapshot/meta-pages.js';
import { decodeKeyValue, parseRevisionKey } from '../../src/sources/snapshot/mvcc.js';
import { PageStore } from '../../src/sources/snapshot/page-store.js';
import { ProblemLog } from '../../src/sources/snapshot/problem-log.js';
import { TreeWalker } from '../../src/sources/snapshot/tree-walk.js';

/** One entry of a bbolt bucket, as bytes. */
interface Entry {
  key: Buffer;
  value: Buffer;
}

/** A revision of etcd's `key` bucket, decoded (mvccpb.KeyValue). */
export interface Revision {
  revision: string;
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
  lease: boolean;
  tombstone: boolean;
}

/** What a bbolt file holds: its buckets, each entry in key order. */
export interface BboltContents {
  /** Whether the file ends with the SHA-256 trailer `etcdctl snapshot save` appends (size % 512 == 32). */
  trailer: boolean;
  buckets: Map<string, Entry[]>;
}

const TRAILER_SIZE = 32;

/**
 * Reads every bucket of a bbolt database (an etcd snapshot or member/snap/db)
 * with kcheck's own page reader (src/sources/snapshot); throws when the file
 * is not a sound bbolt database.
 */
export async function readBbolt(path: string): Promise<BboltContents> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const trailer = size > TRAILER_SIZE && size % 512 === TRAILER_SIZE;
    const dataLength = trailer ? size - TRAILER_SIZE : size;
    const metas = await readMetaPages(fh, dataLength);
    if (metas.kind !== 'usable') throw new Error(`${path}: not a usable bbolt database: ${metas.problems.map((p) => p.message).join('; ')}`);
    const pageCount = Number(metas.active.pageCount);
    const log = new ProblemLog();
    const walker = new TreeWalker(new PageStore(fh, metas.pageSize, dataLength, pageCount), pageCount, log);
    walker.markReached(0, 2, 'as the meta pages');
    const roots: { name: string; header: Buffer }[] = [];
    await walker.walk(Number(metas.active.rootPage), 'the root bucket', (key, value, isBucket) => {
      if (isBucket) roots.push({ name: key.toString('utf8'), header: Buffer.from(value) });
    });
    const buckets = new Map<string, Entry[]>();
    for (const { name, header } of roots) {
      const entries: Entry[] = [];
      const visit = (key: Buffer, value: Buffer): void => {
        entries.push({ key: Buffer.from(key), value: Buffer.from(value) });
      };
      if (header.length < BUCKET_HEADER_SIZE) throw new Error(`${path}: bucket ${name} has a short header`);
      const root = header.readBigUInt64LE(0);
      if (root === 0n) walker.walkInline(header, name, visit);
      else await walker.walk(Number(root), name, visit);
      buckets.set(name, entries);
    }
    if (log.count() > 0) throw new Error(`${path}: ${log.list().map((p) => p.message).join('; ')}`);
    return { trailer, buckets };
  } finally {
    await fh.close();
  }
}

/** etcd's `key` bucket, every revision decoded. */
export function revisions(contents: BboltContents): Revision[] {
  return (contents.buckets.get('key') ?? []).map(({ key, value }) => {
    const rev = parseRevisionKey(key);
    const kv = decodeKeyValue(value);
    if (!rev || typeof kv === 'string') throw new Error(`not an etcd revision: ${key.toString('hex')}: ${String(kv)}`);
    return {
      revision: `${rev.main}_${rev.sub}`,
      key: kv.key.toString('utf8'),
      value: kv.value.toString('base64'),
      createRevision: kv.createRevision,
      modRevision: kv.modRevision,
      version: kv.version,
      lease: kv.lease,
      tombstone: rev.tombstone,
    };
  });
}
