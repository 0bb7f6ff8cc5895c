/**
 * Protobuf decoding exactly as the gogo-protobuf `Unmarshal` methods etcd
 * generates for its stored messages, so that kcheck refuses what etcd refuses.
 * The rules, from go.etcd.io/etcd/api/v3@v3.6.5 mvccpb/kv.pb.go
 * (KeyValue.Unmarshal, lines 380-574, and skipKv, lines 717-794):
 *
 * - a varint is at most 10 bytes (`shift >= 64` is ErrIntOverflow); bits past
 *   64 are dropped without error;
 * - the field number is `int32(tag >> 3)`; <= 0 is "illegal tag"; wire type 4
 *   ("end group") at top level is an error;
 * - a known field with another wire type than its own is an error
 *   ("wrong wireType = 5 for field Value"), and so is a length that is
 *   negative as an int64 or runs past the end;
 * - an unknown field is skipped (wire types 0, 1, 2, 5 and groups 3..4);
 *   wire types 6 and 7 are "illegal wireType".
 */

/** A known field: a varint scalar/enum, a bytes/string field, or a nested message. */
type ProtoField = { name: string; wire: 'varint' } | { name: string; wire: 'bytes' } | { name: string; wire: 'message'; of: ProtoMessage };

export interface ProtoMessage {
  name: string;
  fields: Readonly<Record<number, ProtoField>>;
}

/** What a decode found: the last value of each varint field and bytes field (as Unmarshal keeps them). */
export interface ProtoFields {
  varints: Map<number, bigint>;
  bytes: Map<number, Buffer>;
}

const MAX_VARINT_BYTES = 10;

interface Varint {
  value: bigint;
  next: number;
}

/** A gogo varint: the error text is Go's (io.ErrUnexpectedEOF, ErrIntOverflow). */
function readVarint(buf: Buffer, at: number): Varint | string {
  let value = 0n;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const b = buf[at + i];
    if (b === undefined) return 'unexpected EOF';
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return { value: BigInt.asUintN(64, value), next: at + i + 1 };
  }
  return 'proto: integer overflow';
}

/** The length of a bytes field: Go's `int`, negative when bit 63 is set. */
function readLength(buf: Buffer, at: number): Varint | string {
  const v = readVarint(buf, at);
  if (typeof v === 'string') return v;
  const signed = BigInt.asIntN(64, v.value);
  if (signed < 0n) return 'proto: negative length found during unmarshaling';
  const end = BigInt(v.next) + signed;
  if (end > BigInt(buf.length)) return 'unexpected EOF';
  return { value: signed, next: v.next };
}

/** Decodes `buf` as `message`; returns gogo's error text when Unmarshal would fail. */
export function decodeProto(buf: Buffer, message: ProtoMessage): ProtoFields | string {
  const found: ProtoFields = { varints: new Map(), bytes: new Map() };
  let at = 0;
  while (at < buf.length) {
    const start = at;
    const tag = readVarint(buf, at);
    if (typeof tag === 'string') return tag;
    at = tag.next;
    const fieldNum = Number(BigInt.asIntN(32, tag.value >> 3n));
    const wire = Number(tag.value & 7n);
    if (wire === 4) return `proto: ${message.name}: wiretype end group for non-group`;
    if (fieldNum <= 0) return `proto: ${message.name}: illegal tag ${fieldNum} (wire type ${tag.value})`;
    const field = message.fields[fieldNum];
    if (!field) {
      const skipped = skipField(buf, start);
      if (typeof skipped === 'string') return skipped;
      at = skipped;
      continue;
    }
    const expected = field.wire === 'varint' ? 0 : 2;
    if (wire !== expected) return `proto: wrong wireType = ${wire} for field ${field.name}`;
    if (field.wire === 'varint') {
      const v = readVarint(buf, at);
      if (typeof v === 'string') return v;
      found.varints.set(fieldNum, v.value);
      at = v.next;
      continue;
    }
    const len = readLength(buf, at);
    if (typeof len === 'string') return len;
    const end = len.next + Number(len.value);
    const bytes = buf.subarray(len.next, end);
    if (field.wire === 'message') {
      const inner = decodeProto(bytes, field.of);
      if (typeof inner === 'string') return inner;
    } else {
      found.bytes.set(fieldNum, bytes);
    }
    at = end;
  }
  return found;
}

/** skipKv: the end of the unknown field that starts at `start`, or the error. */
function skipField(buf: Buffer, start: number): number | string {
  let at = start;
  let depth = 0;
  while (at < buf.length) {
    const tag = readVarint(buf, at);
    if (typeof tag === 'string') return tag;
    at = tag.next;
    const wire = Number(tag.value & 7n);
    switch (wire) {
      case 0: {
        const v = readVarint(buf, at);
        if (typeof v === 'string') return v;
        at = v.next;
        break;
      }
      case 1:
        at += 8;
        break;
      case 2: {
        const v = readVarint(buf, at);
        if (typeof v === 'string') return v;
        const len = BigInt.asIntN(64, v.value);
        if (len < 0n) return 'proto: negative length found during unmarshaling';
        // Lengths past the buffer are caught below as unexpected EOF.
        at = v.next + Number(len > BigInt(buf.length) ? BigInt(buf.length) + 1n : len);
        break;
      }
      case 3:
        depth++;
        break;
      case 4:
        if (depth === 0) return 'proto: unexpected end of group';
        depth--;
        break;
      case 5:
        at += 4;
        break;
      default:
        return `proto: illegal wireType ${wire}`;
    }
    if (depth === 0) return at > buf.length ? 'unexpected EOF' : at;
  }
  return 'unexpected EOF';
}

/** mvccpb.KeyValue (api/mvccpb/kv.proto): every revision in the `key` bucket. */
export const KEY_VALUE: ProtoMessage = {
  name: 'KeyValue',
  fields: {
    1: { name: 'Key', wire: 'bytes' },
    2: { name: 'CreateRevision', wire: 'varint' },
    3: { name: 'ModRevision', wire: 'varint' },
    4: { name: 'Version', wire: 'varint' },
    5: { name: 'Value', wire: 'bytes' },
    6: { name: 'Lease', wire: 'varint' },
  },
};

/** leasepb.Lease (server/lease/leasepb/lease.proto): values of the `lease` bucket. */
export const LEASE: ProtoMessage = {
  name: 'Lease',
  fields: { 1: { name: 'ID', wire: 'varint' }, 2: { name: 'TTL', wire: 'varint' }, 3: { name: 'RemainingTTL', wire: 'varint' } },
};

const USER_ADD_OPTIONS: ProtoMessage = { name: 'UserAddOptions', fields: { 1: { name: 'NoPassword', wire: 'varint' } } };

/** authpb.User (api/authpb/auth.proto): values of the `authUsers` bucket. */
export const AUTH_USER: ProtoMessage = {
  name: 'User',
  fields: {
    1: { name: 'Name', wire: 'bytes' },
    2: { name: 'Password', wire: 'bytes' },
    3: { name: 'Roles', wire: 'bytes' },
    4: { name: 'Options', wire: 'message', of: USER_ADD_OPTIONS },
  },
};

const PERMISSION: ProtoMessage = {
  name: 'Permission',
  fields: { 1: { name: 'PermType', wire: 'varint' }, 2: { name: 'Key', wire: 'bytes' }, 3: { name: 'RangeEnd', wire: 'bytes' } },
};

/** authpb.Role: values of the `authRoles` bucket. */
export const AUTH_ROLE: ProtoMessage = {
  name: 'Role',
  fields: { 1: { name: 'Name', wire: 'bytes' }, 2: { name: 'KeyPermission', wire: 'message', of: PERMISSION } },
};

/** etcdserverpb.AlarmMember: the *keys* of the `alarm` bucket (server/storage/schema/alarm.go). */
export const ALARM_MEMBER: ProtoMessage = {
  name: 'AlarmMember',
  fields: { 1: { name: 'MemberID', wire: 'varint' }, 2: { name: 'Alarm', wire: 'varint' } },
};
