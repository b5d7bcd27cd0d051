// The qcow2 header as qemu's docs/interop/qcow2.txt lays it out (big-endian), parsed into a
// typed value; what is wrong with it is decided elsewhere (qcow2.ts). docs/reference/disk-images.md §2.1.
import { ascii, ByteView, printableText, safeNumber } from '../byte-view.js';
import type { ImageBytes } from '../image-bytes.js';

const magic = ascii('QFI\xfb');
export const v2HeaderLength = 72;
export const v3MinHeaderLength = 104;

/** incompatible_features bits: an image with a bit set that a reader does not know must not be opened. */
export const incompatibleFeature = {
  dirty: 0,
  corrupt: 1,
  externalDataFile: 2,
  compressionType: 3,
  extendedL2: 4,
} as const;
/** compatible_features bits. */
export const compatibleFeature = { lazyRefcounts: 0 } as const;
/** autoclear_features bits. */
export const autoclearFeature = { bitmaps: 0, rawExternalData: 1 } as const;

export const incompatibleFeatureNames: Record<number, string> = {
  [incompatibleFeature.dirty]: 'dirty',
  [incompatibleFeature.corrupt]: 'corrupt',
  [incompatibleFeature.externalDataFile]: 'external data file',
  [incompatibleFeature.compressionType]: 'compression type',
  [incompatibleFeature.extendedL2]: 'extended L2 entries',
};
export const compatibleFeatureNames: Record<number, string> = { [compatibleFeature.lazyRefcounts]: 'lazy refcounts' };
export const autoclearFeatureNames: Record<number, string> = {
  [autoclearFeature.bitmaps]: 'bitmaps',
  [autoclearFeature.rawExternalData]: 'raw external data',
};

/** Header extension types. */
export const headerExtension = {
  end: 0,
  backingFileFormat: 0xe2792aca,
  featureNameTable: 0x6803f857,
  bitmaps: 0x23852875,
  fullDiskEncryption: 0x0537be77,
  externalDataFile: 0x44415441,
} as const;

const extensionNames = new Map<number, string>([
  [headerExtension.backingFileFormat, 'backing file format'],
  [headerExtension.featureNameTable, 'feature name table'],
  [headerExtension.bitmaps, 'bitmaps'],
  [headerExtension.fullDiskEncryption, 'full disk encryption header'],
  [headerExtension.externalDataFile, 'external data file'],
]);

export interface Qcow2Header {
  version: 2 | 3;
  backingFileOffset: bigint;
  backingFileSize: number;
  clusterBits: number;
  /** The virtual size in bytes, as stored. */
  size: bigint;
  cryptMethod: number;
  l1Size: number;
  l1TableOffset: bigint;
  refcountTableOffset: bigint;
  refcountTableClusters: number;
  snapshotCount: number;
  snapshotsOffset: bigint;
  incompatibleFeatures: bigint;
  compatibleFeatures: bigint;
  autoclearFeatures: bigint;
  /** v3; v2 is implicitly 4 (16-bit refcounts). */
  refcountOrder: number;
  /** v3; v2 headers are 72 bytes. */
  headerLength: number;
  /** The compression_type byte, present when header_length goes beyond 104 (read when it was read). */
  compressionType: number | undefined;
}

export interface HeaderExtension {
  type: number;
  name: string;
  /** The text of the backing-file-format and data-file extensions. */
  text?: string;
}

/** The header extensions read, and where reading them stopped early. */
export interface HeaderExtensions {
  extensions: HeaderExtension[];
  /** They continue beyond the bytes read (`headLength`), from this offset on. */
  unread?: { from: number; headLength: number };
  /** An extension at `offset` whose `length` runs past `end`, where the header area ends. */
  tooLarge?: { offset: number; length: number; end: number };
}

/** What the first bytes say: no qcow2, or a qcow2 header of some kind. */
export type Qcow2Parse =
  | { kind: 'not-qcow2' }
  | { kind: 'truncated'; needed: number; version?: number }
  | { kind: 'qcow-v1' }
  | { kind: 'unknown-version'; version: number }
  | { kind: 'header'; header: Qcow2Header; extensions: HeaderExtensions; backingFileName: string | undefined };

export function parseQcow2(bytes: ImageBytes): Qcow2Parse {
  const start = bytes.slice(0, 4);
  if (start === undefined || !new ByteView(start).startsWith(magic)) return { kind: 'not-qcow2' };
  const versionBytes = bytes.slice(0, 8);
  if (versionBytes === undefined) return { kind: 'truncated', needed: 8 };
  const version = new ByteView(versionBytes).u32be(4);
  if (version === 1) return { kind: 'qcow-v1' };
  if (version !== 2 && version !== 3) return { kind: 'unknown-version', version };

  const needed = version === 2 ? v2HeaderLength : v3MinHeaderLength;
  const headerBytes = bytes.slice(0, needed);
  if (headerBytes === undefined) return { kind: 'truncated', needed, version };
  const view = new ByteView(headerBytes);
  const v3 = version === 3;
  const header: Qcow2Header = {
    version,
    backingFileOffset: view.u64be(8),
    backingFileSize: view.u32be(16),
    clusterBits: view.u32be(20),
    size: view.u64be(24),
    cryptMethod: view.u32be(32),
    l1Size: view.u32be(36),
    l1TableOffset: view.u64be(40),
    refcountTableOffset: view.u64be(48),
    refcountTableClusters: view.u32be(56),
    snapshotCount: view.u32be(60),
    snapshotsOffset: view.u64be(64),
    incompatibleFeatures: v3 ? view.u64be(72) : 0n,
    compatibleFeatures: v3 ? view.u64be(80) : 0n,
    autoclearFeatures: v3 ? view.u64be(88) : 0n,
    refcountOrder: v3 ? view.u32be(96) : 4,
    headerLength: v3 ? view.u32be(100) : v2HeaderLength,
    compressionType: undefined,
  };
  if (v3 && header.headerLength > v3MinHeaderLength) header.compressionType = bytes.slice(v3MinHeaderLength, 1)?.[0];
  return {
    kind: 'header',
    header,
    extensions: readHeaderExtensions(bytes, header),
    backingFileName: backingFileName(bytes, header.backingFileOffset, header.backingFileSize),
  };
}

/** Whether qemu accepts the cluster_bits: 9 to 21 (512 bytes to 2 MiB clusters). */
export function validClusterBits(clusterBits: number): boolean {
  return clusterBits >= 9 && clusterBits <= 21;
}

/** The cluster size, or qemu's default 64 KiB when cluster_bits is out of range (reported elsewhere). */
export function clusterSizeOf(header: Qcow2Header): number {
  return validClusterBits(header.clusterBits) ? 2 ** header.clusterBits : 65536;
}

/** The bit numbers set in a feature field, lowest first. */
export function bitsSet(value: bigint): number[] {
  const bits: number[] = [];
  if (value === 0n) return bits;
  // Two 32-bit halves as numbers: BigInt arithmetic per bit is ten times slower.
  const low = Number(value & 0xffffffffn);
  const high = Number(value >> 32n);
  for (let bit = 0; bit < 32; bit += 1) if ((low >>> bit) & 1) bits.push(bit);
  for (let bit = 0; bit < 32; bit += 1) if ((high >>> bit) & 1) bits.push(bit + 32);
  return bits;
}

/** Whether one of the low 32 feature bits (all the named ones) is set. */
export function hasBit(value: bigint, bit: number): boolean {
  return ((Number(value & 0xffffffffn) >>> bit) & 1) === 1;
}

/**
 * Header extensions live in the first cluster, after the header, and end where the backing
 * file name starts if that is inside it (qemu's qcow2_read_extensions).
 */
function readHeaderExtensions(bytes: ImageBytes, header: Qcow2Header): HeaderExtensions {
  const clusterSize = clusterSizeOf(header);
  const end = header.backingFileOffset !== 0n && header.backingFileOffset < BigInt(clusterSize) ? Number(header.backingFileOffset) : clusterSize;
  const extensions: HeaderExtension[] = [];
  const limit = Math.min(end, bytes.size);
  let offset = header.headerLength;
  while (offset + 8 <= limit && extensions.length < 64) {
    const headerBytes = bytes.slice(offset, 8);
    if (headerBytes === undefined) return { extensions, unread: { from: offset, headLength: bytes.headLength } };
    const view = new ByteView(headerBytes);
    const type = view.u32be(0);
    const length = view.u32be(4);
    if (type === headerExtension.end) break;
    const dataOffset = offset + 8;
    const extension: HeaderExtension = { type, name: extensionNames.get(type) ?? `unknown 0x${type.toString(16).padStart(8, '0')}` };
    if (type === headerExtension.backingFileFormat || type === headerExtension.externalDataFile) {
      const data = bytes.slice(dataOffset, Math.min(length, 1023));
      extension.text = data === undefined ? '' : printableText(new ByteView(data).latin1(0, data.length));
    }
    extensions.push(extension);
    if (length > end - dataOffset) return { extensions, tooLarge: { offset, length, end } };
    offset = dataOffset + Math.ceil(length / 8) * 8;
  }
  return { extensions };
}

function backingFileName(bytes: ImageBytes, offset: bigint, size: number): string | undefined {
  const start = safeNumber(offset);
  if (offset === 0n || start === undefined || size === 0 || size > 1023) return undefined;
  const data = bytes.slice(start, size);
  return data === undefined ? undefined : printableText(new ByteView(data).latin1(0, data.length));
}
