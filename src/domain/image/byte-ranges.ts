/** A byte range of an object: `start` inclusive, `end` exclusive (like `Uint8Array.subarray`). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * 64 KiB covers every header we check (qcow2 and its extensions in the default cluster, VHD
 * footer copy + dynamic header, VMDK header + embedded descriptor, MBR/GPT, the ISO primary
 * volume descriptor at 32 KiB, every compression magic). Only VHDX keeps its size further in.
 */
export const headBytes = 64 * 1024;
/** The last 1536 bytes: fixed-VHD footer (last 512 or 511) and the streamOptimized VMDK footer. */
export const tailBytes = 1536;

/**
 * What to read of an object of `size` bytes: the head, and the tail when the head does not
 * already reach the end. The two never overlap and never total more than 64 KiB + 1536 bytes,
 * whatever the size.
 */
export function imageByteRanges(size: number): { head: ByteRange; tail: ByteRange | undefined } {
  const objectSize = Math.max(0, Math.floor(size));
  const head = { start: 0, end: Math.min(objectSize, headBytes) };
  if (objectSize <= headBytes) return { head, tail: undefined };
  return { head, tail: { start: Math.max(headBytes, objectSize - tailBytes), end: objectSize } };
}

/** The HTTP `Range` header value for a range (HTTP ranges are inclusive at both ends). */
export function httpRangeHeader(range: ByteRange): string {
  return `bytes=${range.start}-${range.end - 1}`;
}
