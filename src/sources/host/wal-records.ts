/**
 * The start of an etcd WAL segment (member/wal/*.wal), decoded as etcd's
 * decoder reads it. Each record is framed by a little-endian uint64 whose low
 * 56 bits are the record's length and whose top byte, when its high bit is
 * set, holds the padding that aligns the next frame to 8 bytes (etcd
 * server/storage/wal/encoder.go:100, encodeFrameSize, at c34dc7ee0). The
 * record is a walpb.Record {type = 1, crc = 2, data = 3}
 * (server/storage/wal/walpb/record.proto); its types are metadata 1, entry 2,
 * state 3, crc 4, snapshot 5 (server/storage/wal/wal.go:39). A segment is
 * preallocated with zeros (64 MB), so a zero length field is its end.
 */

/** One record's type and data. */
export interface WalRecord {
  type: number;
  data: Buffer;
}

export const WAL_METADATA = 1;
export const WAL_ENTRY = 2;
export const WAL_STATE = 3;
export const WAL_SNAPSHOT = 5;

/** A protobuf field: varints as bigint, length-delimited fields as bytes. */
type Field = bigint | Buffer;

function varint(buf: Buffer, at: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (let i = at; i < buf.length && shift < 70n; i++) {
    const byte = buf[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw new Error('a varint runs past the end of its record');
}

/** The fields of a protobuf message by number (last one wins, as proto2 does for scalars). */
export function protoFields(buf: Buffer): Map<number, Field> {
  const fields = new Map<number, Field>();
  let at = 0;
  while (at < buf.length) {
    const [key, next] = varint(buf, at);
    at = next;
    const wire = Number(key & 7n);
    const number = Number(key >> 3n);
    if (wire === 0) {
      const [value, after] = varint(buf, at);
      fields.set(number, value);
      at = after;
    } else if (wire === 2) {
      const [length, after] = varint(buf, at);
      const end = after + Number(length);
      if (end > buf.length) throw new Error(`field ${number} runs past the end of its record`);
      fields.set(number, buf.subarray(after, end));
      at = end;
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4;
      if (at > buf.length) throw new Error(`field ${number} runs past the end of its record`);
    } else {
      throw new Error(`field ${number} has wire type ${wire}, which etcd never writes`);
    }
  }
  return fields;
}

export function uintField(fields: Map<number, Field>, n: number): bigint | undefined {
  const v = fields.get(n);
  return typeof v === 'bigint' ? v : undefined;
}

/**
 * The records at the start of a segment, as far as `buf` (a bounded read of
 * it) holds whole ones. `complete` is false when the read stopped before the
 * segment's end; `problem` says why decoding stopped early.
 */
export function decodeWalRecords(buf: Buffer, wholeFile: boolean): { records: WalRecord[]; complete: boolean; problem?: string } {
  const records: WalRecord[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const lenField = buf.readBigUInt64LE(at);
    if (lenField === 0n) return { records, complete: true };
    const length = Number(lenField & 0xffffffffffffffn);
    const pad = (lenField >> 56n) & 0x80n ? Number((lenField >> 56n) & 7n) : 0;
    const end = at + 8 + length;
    if (end + pad > buf.length) {
      return wholeFile ? { records, complete: false, problem: `a record at byte ${at} is torn (${length} bytes announced)` } : { records, complete: false };
    }
    try {
      const fields = protoFields(buf.subarray(at + 8, end));
      const data = fields.get(3);
      records.push({ type: Number(uintField(fields, 1) ?? 0n), data: Buffer.isBuffer(data) ? data : Buffer.alloc(0) });
    } catch (err) {
      return { records, complete: false, problem: `the record at byte ${at} is not a WAL record: ${(err as Error).message}` };
    }
    at = end + pad;
  }
  return { records, complete: wholeFile };
}
