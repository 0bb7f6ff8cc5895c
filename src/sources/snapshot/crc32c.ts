/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the hash
 * `etcdctl snapshot status` prints (Go: crc32.MakeTable(crc32.Castagnoli)).
 * Slicing-by-16 tables: 16 bytes per step.
 */

const POLY = 0x82f63b78;
const TABLES = buildTables();

function buildTables(): Int32Array {
  const t = new Int32Array(16 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 16; s++) {
      const prev = t[(s - 1) * 256 + i]!;
      t[s * 256 + i] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
}

/** Running CRC-32C; feed it with `update`, read it with `value`. */
export class Crc32c {
  private crc = ~0;

  update(bytes: Uint8Array): void {
    const t = TABLES;
    const b = bytes;
    const n = b.length;
    const n16 = n - (n & 15);
    let c = this.crc;
    let i = 0;
    for (; i < n16; i += 16) {
      const a = (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) ^ c;
      c =
        t[3840 + (a & 0xff)]! ^
        t[3584 + ((a >>> 8) & 0xff)]! ^
        t[3328 + ((a >>> 16) & 0xff)]! ^
        t[3072 + (a >>> 24)]! ^
        t[2816 + b[i + 4]!]! ^
        t[2560 + b[i + 5]!]! ^
        t[2304 + b[i + 6]!]! ^
        t[2048 + b[i + 7]!]! ^
        t[1792 + b[i + 8]!]! ^
        t[1536 + b[i + 9]!]! ^
        t[1280 + b[i + 10]!]! ^
        t[1024 + b[i + 11]!]! ^
        t[768 + b[i + 12]!]! ^
        t[512 + b[i + 13]!]! ^
        t[256 + b[i + 14]!]! ^
        t[b[i + 15]!]!;
    }
    for (; i < n; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
    this.crc = c;
  }

  value(): number {
    return ~this.crc >>> 0;
  }
}

export function crc32c(bytes: Uint8Array): number {
  const h = new Crc32c();
  h.update(bytes);
  return h.value();
}
