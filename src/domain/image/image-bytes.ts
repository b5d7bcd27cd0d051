/**
 * The part of an object that was read: its first bytes (`head`) and its last bytes (`tail`),
 * addressed by absolute offsets in the object. Probes ask for a byte range and get it only
 * when one of the two pieces holds all of it, so no probe can read past what was fetched.
 */
export interface ImageBytes {
  /** Size of the whole object in bytes. */
  readonly size: number;
  /** How many bytes from offset 0 are available. */
  readonly headLength: number;
  /** The object's key (or the file's path), for the commands a problem tells the user to run; undefined when unknown. */
  readonly name: string | undefined;
  /** Bytes [offset, offset + length), or undefined when they were not read or lie outside the object. */
  slice(offset: number, length: number): Uint8Array | undefined;
}

export function imageBytesOf(head: Uint8Array, tail: Uint8Array, size: number, name?: string): ImageBytes {
  const tailStart = size - tail.length;
  return {
    size,
    headLength: head.length,
    name,
    slice(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) return undefined;
      const end = offset + length;
      if (end > size) return undefined;
      if (end <= head.length) return head.subarray(offset, end);
      if (offset >= tailStart) return tail.subarray(offset - tailStart, end - tailStart);
      return undefined;
    },
  };
}

/**
 * The first `dataSize` bytes of `bytes` as an object of their own: a fixed VHD's data area is
 * a raw disk followed by the 512-byte footer.
 */
export function leadingBytesOf(bytes: ImageBytes, dataSize: number): ImageBytes {
  return {
    size: dataSize,
    headLength: Math.min(bytes.headLength, dataSize),
    name: bytes.name,
    slice(offset, length) {
      if (offset + length > dataSize) return undefined;
      return bytes.slice(offset, length);
    },
  };
}
