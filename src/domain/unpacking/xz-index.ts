// The unpacked size of an .xz object from its end, without decoding (the .xz file format 1.x
// §2.1.2, §4; docs/reference/disk-images.md, compressed formats, xz row): the stream footer's
// last 12 bytes give the Index's size (Backward Size), and the Index lists every block's
// unpadded and uncompressed size. The sum is the last stream's unpacked size; it is the whole
// object's when header + blocks + Index + footer add up to the object's size (one stream, no
// padding). The CRC32s are not checked: a corrupt index only misleads the time estimate, and
// the decoder checks the data.

const footerBytes = 12;
const streamHeaderBytes = 12;
/** An index past this is not read (a block per 24 MiB of a 500 GiB image takes about 200 KiB). */
export const maxXzIndexBytes = 1024 * 1024;

export type XzEnd =
  /** The index says it: `exact` when the object is that one stream. */
  | { kind: 'size'; bytes: number; exact: boolean }
  /** Read this many of the object's last bytes (footer and index), then ask again. */
  | { kind: 'read-end'; bytes: number }
  /** Not an xz footer, or an index that does not parse: the size is unknown. */
  | { kind: 'unknown' };

/** One multibyte integer (§1.2): 7 bits per byte, low first, at most 9 bytes. */
function readVli(bytes: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let index = 0; index < 9; index++) {
    const byte = bytes[at + index];
    if (byte === undefined) return undefined;
    value += (byte & 0x7f) * 2 ** (7 * index);
    if ((byte & 0x80) === 0) return byte === 0 && index > 0 ? undefined : { value, next: at + index + 1 };
  }
  return undefined;
}

/** The index's sums, or undefined when `index` is not a well-formed Index (§4). */
function readIndex(index: Uint8Array): { uncompressed: number; blocks: number } | undefined {
  if (index[0] !== 0x00) return undefined;
  const count = readVli(index, 1);
  if (count === undefined) return undefined;
  let at = count.next;
  let uncompressed = 0;
  let blocks = 0;
  for (let record = 0; record < count.value; record++) {
    const unpadded = readVli(index, at);
    const size = unpadded === undefined ? undefined : readVli(index, unpadded.next);
    if (unpadded === undefined || size === undefined || unpadded.value === 0) return undefined;
    blocks += Math.ceil(unpadded.value / 4) * 4;
    uncompressed += size.value;
    at = size.next;
  }
  // Index Padding to a multiple of four, then the CRC32: nothing else.
  while (at % 4 !== 0) if (index[at++] !== 0x00) return undefined;
  return at + 4 === index.length ? { uncompressed, blocks } : undefined;
}

/** What `end`, the last bytes of an object of `objectSize` bytes, says of its unpacked size. */
export function xzSizeFromEnd(end: Uint8Array, objectSize: number): XzEnd {
  if (end.length < footerBytes) return { kind: 'unknown' };
  const footer = end.subarray(end.length - footerBytes);
  if (footer[10] !== 0x59 || footer[11] !== 0x5a) return { kind: 'unknown' };
  const backwardSize = ((footer[4] ?? 0) | ((footer[5] ?? 0) << 8) | ((footer[6] ?? 0) << 16)) + (footer[7] ?? 0) * 2 ** 24;
  const indexBytes = (backwardSize + 1) * 4;
  if (indexBytes > maxXzIndexBytes || indexBytes + footerBytes + streamHeaderBytes > objectSize) return { kind: 'unknown' };
  if (end.length < indexBytes + footerBytes) return { kind: 'read-end', bytes: indexBytes + footerBytes };
  const sums = readIndex(end.subarray(end.length - footerBytes - indexBytes, end.length - footerBytes));
  if (sums === undefined) return { kind: 'unknown' };
  return { kind: 'size', bytes: sums.uncompressed, exact: streamHeaderBytes + sums.blocks + indexBytes + footerBytes === objectSize };
}
