import { fnv1a64 } from './fnv1a.js';

/**
 * The bbolt on-disk format (go.etcd.io/bbolt page.go, db.go), little-endian.
 * Every page starts with `id u64, flags u16, count u16, overflow u32`.
 */
export const PAGE_HEADER_SIZE = 16;
export const ELEMENT_SIZE = 16;
export const BRANCH_PAGE = 0x01;
export const LEAF_PAGE = 0x02;
export const META_PAGE = 0x04;
export const FREELIST_PAGE = 0x10;
/** Leaf element flag: the value is a nested bucket header. */
export const BUCKET_LEAF_FLAG = 0x01;
/** A bucket value starts with `{root pgid u64, sequence u64}`; an inline page follows when root is 0. */
export const BUCKET_HEADER_SIZE = 16;

export const MAGIC = 0xed0cdaed;
const FORMAT_VERSION = 2;
/** meta.freelist when the freelist was not written (bbolt NoFreelistSync, which etcd sets). */
export const NO_FREELIST = 0xffffffffffffffffn;
/** bbolt page sizes seen in practice: the OS page size (4 KiB on x86-64, 16/64 KiB on some arm64). */
export const COMMON_PAGE_SIZES = [4096, 8192, 16384, 32768, 65536, 1024, 2048];
/** Bytes of a meta page that matter: header plus the 64-byte meta struct. */
export const META_BYTES = PAGE_HEADER_SIZE + 64;

export interface PageHeader {
  id: bigint;
  flags: number;
  count: number;
  overflow: number;
}

export function readPageHeader(buf: Buffer, at = 0): PageHeader {
  return {
    id: buf.readBigUInt64LE(at),
    flags: buf.readUInt16LE(at + 8),
    count: buf.readUInt16LE(at + 10),
    overflow: buf.readUInt32LE(at + 12),
  };
}

export interface Meta {
  magic: number;
  version: number;
  pageSize: number;
  flags: number;
  rootPage: bigint;
  freelist: bigint;
  pageCount: bigint;
  txid: bigint;
  checksum: bigint;
  computedChecksum: bigint;
}

/** Parses the meta struct at byte 16 of a meta page (`buf` holds at least META_BYTES). */
export function readMeta(buf: Buffer): Meta {
  const m = PAGE_HEADER_SIZE;
  return {
    magic: buf.readUInt32LE(m),
    version: buf.readUInt32LE(m + 4),
    pageSize: buf.readUInt32LE(m + 8),
    flags: buf.readUInt32LE(m + 12),
    rootPage: buf.readBigUInt64LE(m + 16),
    freelist: buf.readBigUInt64LE(m + 32),
    pageCount: buf.readBigUInt64LE(m + 40),
    txid: buf.readBigUInt64LE(m + 48),
    checksum: buf.readBigUInt64LE(m + 56),
    computedChecksum: fnv1a64(buf.subarray(m, m + 56)),
  };
}

/** Why bbolt would refuse this meta page (meta.validate), or null when it would use it. */
export function metaDefect(meta: Meta): string | null {
  if (meta.magic !== MAGIC) return `bad magic 0x${hex32(meta.magic)} (expected 0x${hex32(MAGIC)})`;
  if (meta.version !== FORMAT_VERSION) return `unsupported format version ${meta.version} (expected ${FORMAT_VERSION})`;
  if (meta.checksum !== meta.computedChecksum) {
    return `checksum mismatch (stored 0x${meta.checksum.toString(16)}, computed 0x${meta.computedChecksum.toString(16)})`;
  }
  return null;
}

export function isPlausiblePageSize(n: number): boolean {
  return n >= 512 && n <= 1 << 20 && (n & (n - 1)) === 0;
}

export function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

export function pageFlagsName(flags: number): string {
  switch (flags) {
    case BRANCH_PAGE:
      return 'branch';
    case LEAF_PAGE:
      return 'leaf';
    case META_PAGE:
      return 'meta';
    case FREELIST_PAGE:
      return 'freelist';
    default:
      return `unknown 0x${flags.toString(16).padStart(2, '0')}`;
  }
}

/** Byte-wise comparison, as bbolt orders keys (bytes.Compare). */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}
