const OFFSET_BASIS = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/** FNV-1a 64, the checksum bbolt stores in each meta page (meta.sum64). */
export function fnv1a64(bytes: Uint8Array): bigint {
  let h = OFFSET_BASIS;
  for (const b of bytes) h = ((h ^ BigInt(b)) * PRIME) & MASK;
  return h;
}
