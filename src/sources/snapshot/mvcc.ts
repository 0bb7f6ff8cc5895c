import { KEY_VALUE, decodeProto } from './gogo-proto.js';

/**
 * etcd's MVCC encoding in the `key` bucket (server/storage/mvcc/revision.go,
 * api/mvccpb/kv.proto): bucket keys are revisions, values are mvccpb.KeyValue.
 */

export interface RevisionKey {
  main: number;
  sub: number;
  /** A deletion marker: the key is `main '_' sub 't'`. */
  tombstone: boolean;
}

const REV_BYTES = 17;
const MARKED_REV_BYTES = 18;
const TOMBSTONE_MARK = 0x74; // 't'

/** `main u64 BE, '_', sub u64 BE` plus an optional `'t'`; null when the key is not one. */
export function parseRevisionKey(key: Buffer): RevisionKey | null {
  if (key.length !== REV_BYTES && key.length !== MARKED_REV_BYTES) return null;
  if (key[8] !== 0x5f) return null;
  if (key.length === MARKED_REV_BYTES && key[17] !== TOMBSTONE_MARK) return null;
  return {
    main: Number(key.readBigUInt64BE(0)),
    sub: Number(key.readBigUInt64BE(9)),
    tombstone: key.length === MARKED_REV_BYTES,
  };
}

const MIN_READ = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 0x5f]), Buffer.alloc(8)]);
const MAX_READ = Buffer.from('7fffffffffffffff5f7fffffffffffffff', 'hex');

/**
 * Whether a started etcd reads this `key` bucket entry: it loads revisions
 * `[{main 1}, {MaxInt64, MaxInt64})` by byte order (kvstore.go restore, lines
 * 319-321 and 346 at v3.6.5) and never looks at keys outside that range.
 */
export function etcdReadsRevision(key: Buffer): boolean {
  return Buffer.compare(key, MIN_READ) >= 0 && Buffer.compare(key, MAX_READ) < 0;
}

/**
 * Why etcd would panic on a revision key it reads, or null: BytesToBucketKey
 * (server/storage/mvcc/revision.go, lines 98-109 at v3.6.5) wants 17 or 18
 * bytes, '_' at byte 8 and no negative main or sub revision.
 */
export function revisionKeyPanic(key: Buffer): string | null {
  if (key.length !== REV_BYTES && key.length !== MARKED_REV_BYTES) return `invalid revision length: ${key.length}`;
  if (key[8] !== 0x5f) return `invalid separator in bucket key: 0x${key[8]!.toString(16).padStart(2, '0')}`;
  if (key.readBigInt64BE(0) < 0n || key.readBigInt64BE(9) < 0n) return 'negative revision';
  return null;
}

/** mvccpb.KeyValue fields 1..6; a deletion marker carries only `key`. */
export interface KeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  value: Buffer;
  lease: boolean;
}

const EMPTY = Buffer.alloc(0);

/**
 * Decodes the value as etcd does when it starts (server/storage/mvcc/kvstore.go
 * restoreChunk: `rkv.kv.Unmarshal(vals[i])`, a Fatal on error), with gogo's
 * rules (gogo-proto.ts); returns Unmarshal's error text when etcd would stop.
 */
export function decodeKeyValue(buf: Buffer): KeyValue | string {
  const fields = decodeProto(buf, KEY_VALUE);
  if (typeof fields === 'string') return fields;
  const int64 = (n: number) => Number(BigInt.asIntN(64, fields.varints.get(n) ?? 0n));
  return {
    key: fields.bytes.get(1) ?? EMPTY,
    createRevision: int64(2),
    modRevision: int64(3),
    version: int64(4),
    value: fields.bytes.get(5) ?? EMPTY,
    lease: (fields.varints.get(6) ?? 0n) !== 0n,
  };
}
