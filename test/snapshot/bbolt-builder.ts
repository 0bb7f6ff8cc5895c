import { createHash } from 'node:crypto';
import { fnv1a64 } from '../../src/sources/snapshot/fnv1a.js';

/**
 * Writes small bbolt files byte by byte, for shapes a real etcd 3.4 does not
 * produce: other page sizes, a written freelist, etcd 3.6 meta keys, nested
 * buckets, and precise damage. etcdctl reads them like any other database.
 */

export type Bytes = Buffer | string;

export interface SyntheticBucket {
  name: string;
  entries: { key: Bytes; value?: Bytes; bucket?: SyntheticBucket }[];
  /** On its own leaf page instead of inline in the root page. */
  paged?: boolean;
  /** Keep entries in the given order instead of bbolt's sorted order. */
  unsorted?: boolean;
}

export interface SyntheticDb {
  pageSize?: number;
  buckets: SyntheticBucket[];
  /** Root-bucket keys that are not buckets (etcd never writes these). */
  rootPlainKeys?: Bytes[];
  /** Write a freelist page listing these ids (otherwise none, as etcd's NoFreelistSync). */
  freelist?: number[];
  /** Zeroed pages after the used ones. */
  extraPages?: number;
  trailer?: boolean;
  txid?: number;
}

interface Element {
  flags: number;
  key: Buffer;
  value: Buffer;
}

const bytes = (b: Bytes) => (typeof b === 'string' ? Buffer.from(b, 'latin1') : b);

export function buildBbolt(spec: SyntheticDb): Buffer {
  const pageSize = spec.pageSize ?? 4096;
  const pages: Buffer[] = [Buffer.alloc(pageSize), Buffer.alloc(pageSize)];
  const freelistId = spec.freelist ? 2 : null;
  if (spec.freelist) pages.push(Buffer.alloc(pageSize));

  const bucketValue = (bucket: SyntheticBucket): Buffer => {
    const elements = bucket.entries.map((e) =>
      e.bucket
        ? { flags: 1, key: bytes(e.key), value: bucketValue(e.bucket) }
        : { flags: 0, key: bytes(e.key), value: bytes(e.value ?? '') },
    );
    if (!bucket.unsorted) elements.sort((a, b) => Buffer.compare(a.key, b.key));
    const header = Buffer.alloc(16);
    if (!bucket.paged) return Buffer.concat([header, leafPage(0, elements)]);
    const id = pages.length;
    pages.push(pad(leafPage(id, elements), pageSize));
    header.writeBigUInt64LE(BigInt(id), 0);
    return header;
  };

  const rootElements: Element[] = [
    ...spec.buckets.map((b) => ({ flags: 1, key: bytes(b.name), value: bucketValue(b) })),
    ...(spec.rootPlainKeys ?? []).map((k) => ({ flags: 0, key: bytes(k), value: Buffer.from('x') })),
  ].sort((a, b) => Buffer.compare(a.key, b.key));
  const rootId = pages.length;
  pages.push(pad(leafPage(rootId, rootElements), pageSize));
  for (let i = 0; i < (spec.extraPages ?? 0); i++) pages.push(Buffer.alloc(pageSize));
  const pageCount = pages.length;

  if (freelistId !== null) {
    const ids = spec.freelist!;
    const page = pages[freelistId]!;
    page.writeBigUInt64LE(BigInt(freelistId), 0);
    page.writeUInt16LE(0x10, 8);
    page.writeUInt16LE(ids.length, 10);
    ids.forEach((id, i) => page.writeBigUInt64LE(BigInt(id), 16 + i * 8));
  }
  const txid = spec.txid ?? 10;
  pages[0] = metaPage(0, pageSize, rootId, freelistId, pageCount, txid);
  pages[1] = metaPage(1, pageSize, rootId, freelistId, pageCount, txid - 1);
  const db = Buffer.concat(pages);
  if (!spec.trailer) return db;
  return Buffer.concat([db, createHash('sha256').update(db).digest()]);
}

/** A leaf page: header, 16-byte elements, then each key followed by its value. */
function leafPage(id: number, elements: Element[]): Buffer {
  const headerAndElements = 16 + elements.length * 16;
  const data = Buffer.concat(elements.flatMap((e) => [e.key, e.value]));
  const page = Buffer.alloc(headerAndElements + data.length);
  page.writeBigUInt64LE(BigInt(id), 0);
  page.writeUInt16LE(0x02, 8);
  page.writeUInt16LE(elements.length, 10);
  let dataAt = headerAndElements;
  elements.forEach((e, i) => {
    const at = 16 + i * 16;
    page.writeUInt32LE(e.flags, at);
    page.writeUInt32LE(dataAt - at, at + 4);
    page.writeUInt32LE(e.key.length, at + 8);
    page.writeUInt32LE(e.value.length, at + 12);
    dataAt += e.key.length + e.value.length;
  });
  data.copy(page, headerAndElements);
  return page;
}

function metaPage(id: number, pageSize: number, root: number, freelist: number | null, pageCount: number, txid: number): Buffer {
  const page = Buffer.alloc(pageSize);
  page.writeBigUInt64LE(BigInt(id), 0);
  page.writeUInt16LE(0x04, 8);
  const m = 16;
  page.writeUInt32LE(0xed0cdaed, m);
  page.writeUInt32LE(2, m + 4);
  page.writeUInt32LE(pageSize, m + 8);
  page.writeBigUInt64LE(BigInt(root), m + 16);
  page.writeBigUInt64LE(freelist === null ? 0xffffffffffffffffn : BigInt(freelist), m + 32);
  page.writeBigUInt64LE(BigInt(pageCount), m + 40);
  page.writeBigUInt64LE(BigInt(txid), m + 48);
  page.writeBigUInt64LE(fnv1a64(page.subarray(m, m + 56)), m + 56);
  return page;
}

function pad(page: Buffer, pageSize: number): Buffer {
  if (page.length > pageSize) throw new Error(`leaf page of ${page.length} bytes does not fit a ${pageSize}-byte page`);
  return Buffer.concat([page, Buffer.alloc(pageSize - page.length)]);
}

/** `main u64 BE, '_', sub u64 BE` plus `'t'` for a deletion. */
export function revisionKey(main: number, sub = 0, tombstone = false): Buffer {
  const key = Buffer.alloc(tombstone ? 18 : 17);
  key.writeBigUInt64BE(BigInt(main), 0);
  key[8] = 0x5f;
  key.writeBigUInt64BE(BigInt(sub), 9);
  if (tombstone) key[17] = 0x74;
  return key;
}

/** mvccpb.KeyValue as protobuf. */
export function keyValue(kv: { key: Bytes; createRevision?: number; modRevision?: number; version?: number; value?: Bytes; lease?: number }): Buffer {
  const parts: Buffer[] = [field(1, bytes(kv.key))];
  if (kv.createRevision) parts.push(varintField(2, kv.createRevision));
  if (kv.modRevision) parts.push(varintField(3, kv.modRevision));
  if (kv.version) parts.push(varintField(4, kv.version));
  if (kv.value !== undefined) parts.push(field(5, bytes(kv.value)));
  if (kv.lease) parts.push(varintField(6, kv.lease));
  return Buffer.concat(parts);
}

/** An etcd `key` bucket entry for a put at `rev` (or the deletion marker). */
export function put(rev: number, key: string, value: Bytes, version = 1): { key: Buffer; value: Buffer } {
  return { key: revisionKey(rev), value: keyValue({ key, createRevision: rev, modRevision: rev, version, value }) };
}

export function deletion(rev: number, key: string): { key: Buffer; value: Buffer } {
  return { key: revisionKey(rev, 0, true), value: keyValue({ key }) };
}

export function u64be(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

function varintField(num: number, n: number): Buffer {
  return Buffer.concat([varint(num * 8), varint(n)]);
}

function field(num: number, data: Buffer): Buffer {
  return Buffer.concat([varint(num * 8 + 2), varint(data.length), data]);
}
