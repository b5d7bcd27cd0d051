// A zip's table of contents (PKWARE APPNOTE 6.3.10 §4.3): the end-of-central-directory record
// at the end of the file, its zip64 variant for archives over 4 GiB or 65,535 entries, and the
// central directory it points to. Read from ranges of the object, so the member list is known
// before a byte of the image is inflated; pure, bytes in.

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else is refused with its number. */
  method: number;
  encrypted: boolean;
  /** The CRC-32 of the unpacked member (§4.4.7): the central directory always has it, even when the local header defers it to a data descriptor. */
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  isDirectory: boolean;
}

export interface ZipEnd {
  directoryOffset: number;
  directorySize: number;
  entryCount: number;
  /** Where the zip64 end record is, when the archive has one and it must be read first. */
  zip64EndOffset?: number;
}

export const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const u64 = (data: DataView, at: number) => Number(data.getBigUint64(at, true));
const zip64Marker = 0xffffffff;

/** A member's name: UTF-8 with flag bit 11 (§4.4.4), else IBM 437, which is ASCII for every name a disk image has. */
export function zipMemberName(bytes: Uint8Array, flags: number): string {
  return (flags & 0x800) !== 0 ? new TextDecoder().decode(bytes) : String.fromCharCode(...bytes);
}

/**
 * Replaces the 32-bit fields set to 0xFFFFFFFF by their 64-bit values from the zip64 extra field
 * (0x0001, §4.5.3: only those fields, in this order). Undefined when one is missing.
 */
export function withZip64Values<T extends readonly number[]>(data: DataView, extraStart: number, extraEnd: number, fields: T): T | undefined {
  const values = [...fields];
  for (let extra = extraStart; extra + 4 <= extraEnd; extra += 4 + data.getUint16(extra + 2, true)) {
    if (data.getUint16(extra, true) !== 0x0001) continue;
    const end = Math.min(extraEnd, extra + 4 + data.getUint16(extra + 2, true));
    let field = extra + 4;
    for (const [index, value] of values.entries()) {
      if (value !== zip64Marker || field + 8 > end) continue;
      values[index] = u64(data, field);
      field += 8;
    }
  }
  return values.includes(zip64Marker) ? undefined : (values as unknown as T);
}

/** Finds the end record in the object's last bytes (`tail` ends where the object ends). */
export function findZipEnd(tail: Uint8Array): ZipEnd | undefined {
  const data = view(tail);
  for (let at = tail.length - 22; at >= 0; at--) {
    if (data.getUint32(at, true) !== 0x06054b50) continue;
    const commentLength = data.getUint16(at + 20, true);
    if (at + 22 + commentLength !== tail.length) continue;
    const end: ZipEnd = { entryCount: data.getUint16(at + 10, true), directorySize: data.getUint32(at + 12, true), directoryOffset: data.getUint32(at + 16, true) };
    const locator = at - 20;
    // The zip64 locator sits right before the end record (it is in `tail`: tails are ≥ 64 KiB + 42 bytes or the whole object).
    if (locator >= 0 && data.getUint32(locator, true) === 0x07064b50) return { ...end, zip64EndOffset: u64(data, locator + 8) };
    return end;
  }
  return undefined;
}

/** Reads the zip64 end record (56 bytes at `zip64EndOffset`). */
export function readZip64End(record: Uint8Array): ZipEnd | undefined {
  if (record.length < 56) return undefined;
  const data = view(record);
  if (data.getUint32(0, true) !== 0x06064b50) return undefined;
  return { entryCount: u64(data, 32), directorySize: u64(data, 40), directoryOffset: u64(data, 48) };
}

/** Parses the central directory; undefined when it is not one (a corrupt or truncated zip). */
export function readCentralDirectory(directory: Uint8Array, entryCount: number): ZipEntry[] | undefined {
  const data = view(directory);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let index = 0; index < entryCount; index++) {
    if (at + 46 > directory.length || data.getUint32(at, true) !== 0x02014b50) return undefined;
    const flags = data.getUint16(at + 8, true);
    const nameLength = data.getUint16(at + 28, true);
    const extraLength = data.getUint16(at + 30, true);
    const commentLength = data.getUint16(at + 32, true);
    if (at + 46 + nameLength + extraLength + commentLength > directory.length) return undefined;
    const name = zipMemberName(directory.subarray(at + 46, at + 46 + nameLength), flags);
    const extra = at + 46 + nameLength;
    const sizes = withZip64Values(data, extra, extra + extraLength, [data.getUint32(at + 24, true), data.getUint32(at + 20, true), data.getUint32(at + 42, true)] as const);
    if (sizes === undefined) return undefined;
    const [uncompressedSize, compressedSize, localHeaderOffset] = sizes;
    entries.push({
      name,
      method: data.getUint16(at + 10, true),
      encrypted: (flags & 0x1) !== 0,
      crc32: data.getUint32(at + 16, true),
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
      isDirectory: name.endsWith('/') || name.endsWith('\\'),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
