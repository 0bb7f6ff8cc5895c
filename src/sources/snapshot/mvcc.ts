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

/** Decodes the protobuf by hand; returns the reason when the bytes are not a KeyValue. */
export function decodeKeyValue(buf: Buffer): KeyValue | string {
  const kv: KeyValue = { key: EMPTY, createRevision: 0, modRevision: 0, version: 0, value: EMPTY, lease: false };
  let at = 0;
  while (at < buf.length) {
    const tag = readVarint(buf, at);
    if (!tag) return `bad field tag at byte ${at}`;
    at = tag.next;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (wire === 0) {
      const v = readVarint(buf, at);
      if (!v) return `bad varint at byte ${at}`;
      at = v.next;
      if (field === 2) kv.createRevision = v.value;
      else if (field === 3) kv.modRevision = v.value;
      else if (field === 4) kv.version = v.value;
      else if (field === 6) kv.lease = v.value !== 0;
    } else if (wire === 2) {
      const len = readVarint(buf, at);
      if (!len) return `bad length at byte ${at}`;
      at = len.next;
      if (at + len.value > buf.length) return `field ${field} runs past the end of the value`;
      const bytes = buf.subarray(at, at + len.value);
      at += len.value;
      if (field === 1) kv.key = bytes;
      else if (field === 5) kv.value = bytes;
    } else if (wire === 1) {
      at += 8;
    } else if (wire === 5) {
      at += 4;
    } else {
      return `unknown wire type ${wire} at byte ${at}`;
    }
    if (field === 0) return 'field number 0';
  }
  if (at > buf.length) return 'last field runs past the end of the value';
  return kv;
}

/** Unsigned varint up to 10 bytes; numbers past 2^53 lose precision (revisions never get there). */
function readVarint(buf: Buffer, at: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const b = buf[at + i];
    if (b === undefined) return null;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return { value, next: at + i + 1 };
    scale *= 128;
  }
  return null;
}
