// CRC-32 (the zip's and gzip's: PKWARE APPNOTE 6.3.10 §4.4.7, polynomial 0xEDB88320 reflected),
// streaming: a zip member's is checked as its bytes go by. Node's zlib.crc32 where the running
// Node has it (22.2+, 20.15+); the function's default runtime, nodejs16, has not, so a
// table-driven one there (one lookup per byte: measured ~430 MB/s on Node 16 and 20, zlib's
// ~4.4 GB/s; either is far above the 50-60 MB/s a zip member is unpacked at, unpack-estimate.ts).
import zlib from 'node:zlib';

/** The CRC-32 of `data` continued from `value` (0 to start). */
export type Crc32 = (data: Uint8Array, value: number) => number;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table !== undefined) return table;
  table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
    table[byte] = crc >>> 0;
  }
  return table;
}

/** The table-driven CRC-32, for Node majors without zlib.crc32. */
export const tableCrc32: Crc32 = (data, value) => {
  const lookup = crcTable();
  let crc = ~value;
  for (let index = 0; index < data.length; index++) crc = (lookup[(crc ^ (data[index] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
};

const native = (zlib as unknown as { crc32?: (data: Uint8Array, value: number) => number }).crc32;

/** Which implementation this Node uses (for logs and tests). */
export const crc32Implementation: 'node:zlib' | 'table' = typeof native === 'function' ? 'node:zlib' : 'table';

export const crc32: Crc32 = typeof native === 'function' ? (data, value) => native.call(zlib, data, value) : tableCrc32;
