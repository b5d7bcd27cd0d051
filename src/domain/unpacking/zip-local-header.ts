// A zip member's local header (PKWARE APPNOTE 6.3.10 §4.3.7), just before its data. Unzip tools
// read the member from it, so it must agree with the central directory entry the member was
// chosen by: a zip whose two headers disagree was damaged or made to show one thing and unpack
// another. Pure, bytes in.
import { view, withZip64Values, type ZipEntry, zipMemberName } from './zip-directory.js';

/** The fixed part: the name and extra field follow (§4.3.7). */
export const zipLocalHeaderFixedBytes = 30;

export interface ZipLocalHeader {
  name: string;
  method: number;
  /** Flag bit 3 (§4.4.4): CRC-32 and sizes follow the data in a data descriptor; the header's own are zero (or meaningless). */
  hasDataDescriptor: boolean;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
}

/** The length of the whole header from its fixed part; undefined when it is not a local header. */
export function zipLocalHeaderLength(fixed: Uint8Array): number | undefined {
  if (fixed.length < zipLocalHeaderFixedBytes) return undefined;
  const data = view(fixed);
  if (data.getUint32(0, true) !== 0x04034b50) return undefined;
  return zipLocalHeaderFixedBytes + data.getUint16(26, true) + data.getUint16(28, true);
}

/** Parses the whole header (fixed part, name, extra field); undefined when it is not one. */
export function readZipLocalHeader(header: Uint8Array): ZipLocalHeader | undefined {
  const length = zipLocalHeaderLength(header);
  if (length === undefined || header.length < length) return undefined;
  const data = view(header);
  const flags = data.getUint16(6, true);
  const nameEnd = zipLocalHeaderFixedBytes + data.getUint16(26, true);
  const hasDataDescriptor = (flags & 0x8) !== 0;
  // The local zip64 extra holds both sizes whenever either is 0xFFFFFFFF (§4.5.3).
  const sizes = hasDataDescriptor ? [0, 0] : withZip64Values(data, nameEnd, length, [data.getUint32(22, true), data.getUint32(18, true)] as const);
  if (sizes === undefined) return undefined;
  return {
    name: zipMemberName(header.subarray(zipLocalHeaderFixedBytes, nameEnd), flags),
    method: data.getUint16(8, true),
    hasDataDescriptor,
    crc32: hasDataDescriptor ? 0 : data.getUint32(14, true),
    uncompressedSize: sizes[0],
    compressedSize: sizes[1],
  };
}

/**
 * Where the local header contradicts the central directory entry: the name and method always,
 * the CRC-32 and sizes when the local header has them (no data descriptor). Undefined when they agree.
 */
export function zipHeadersDisagree(entry: ZipEntry, local: ZipLocalHeader): string | undefined {
  const fields: Array<[string, string | number, string | number]> = [
    ['name', entry.name, local.name],
    ['method', entry.method, local.method],
  ];
  if (!local.hasDataDescriptor) {
    fields.push(['CRC-32', entry.crc32, local.crc32], ['compressed size', entry.compressedSize, local.compressedSize], ['size', entry.uncompressedSize, local.uncompressedSize]);
  }
  const differing = fields.filter(([, central, inLocal]) => central !== inLocal);
  if (differing.length === 0) return undefined;
  const shown = (value: string | number, field: string) => (typeof value === 'string' ? JSON.stringify(value) : field === 'CRC-32' ? `0x${value.toString(16).padStart(8, '0')}` : String(value));
  return differing.map(([field, central, inLocal]) => `${field} ${shown(inLocal, field)} in its local header, ${shown(central, field)} in the central directory`).join('; ');
}
