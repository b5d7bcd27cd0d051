// The bytes confirm the name: RFC 1952 gzip, the xz stream header, RFC 8878 zstd (and its
// skippable frames), bzip2's "BZh1"–"BZh9", PKWARE zip local header or empty-archive record,
// and POSIX ustar / GNU tar (docs/reference/disk-images.md).
import type { Problem } from '../../kernel/index.js';
import { inspectImage } from '../image/index.js';
import { maxImportBytes } from '../jdcloud-rules/index.js';
import { aPacking, type Archive, type Codec, type Packing } from './packing.js';

const codecNames = new Set<string>(['gzip', 'xz', 'zstd', 'bzip2']);

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  return bytes.length >= at + magic.length && magic.every((byte, index) => bytes[at + index] === byte);
}

/** The compressor the first bytes belong to, if any. */
export function codecFromMagic(head: Uint8Array): Codec | undefined {
  if (startsWith(head, [0x1f, 0x8b, 0x08])) return 'gzip';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  // A skippable frame (0x184D2A50–5F, little-endian) may precede the first zstd frame.
  if (((head[0] ?? 0) & 0xf0) === 0x50 && startsWith(head, [0x2a, 0x4d, 0x18], 1)) return 'zstd';
  if (startsWith(head, [0x42, 0x5a, 0x68]) && (head[3] ?? 0) >= 0x31 && (head[3] ?? 0) <= 0x39) return 'bzip2';
  return undefined;
}

/** The archive the first (uncompressed) bytes belong to, if any; an OVA is a tar. */
export function archiveFromMagic(head: Uint8Array): Exclude<Archive, 'ova'> | undefined {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  const ustar = [0x75, 0x73, 0x74, 0x61, 0x72];
  if (startsWith(head, ustar, 257)) return 'tar';
  return undefined;
}

/**
 * Checks the packed object's first bytes against what its name claims: the outer layer (the
 * compressor, or the archive when there is none). An archive inside a compressor is checked
 * once its first bytes are decompressed (`checkArchiveMagic`).
 */
export function checkPackingMagic(key: string, packing: Packing, head: Uint8Array): Problem | undefined {
  const found = codecFromMagic(head) ?? archiveFromMagic(head);
  const expected = packing.codec ?? (packing.archive === 'ova' ? 'tar' : packing.archive);
  if (found === expected) return undefined;
  const problem = (value: string, message: string): Problem => ({ code: 'packing-mismatch', field: 'content', value, message });
  const claim = `The key ${JSON.stringify(key)} ends in "${packing.suffix}", ${aPacking(packing)}, but`;
  if (found !== undefined) {
    const content = aPacking(codecNames.has(found) ? { codec: found as Codec } : { archive: found as Archive });
    return problem(found, `${claim} the content is ${content}. Rename it after its content (or upload the file the name describes).`);
  }
  // Not packed at all: perhaps the disk image itself, named as if it were compressed.
  const format = inspectImage({ head, tail: new Uint8Array(0), size: Math.max(head.length, maxImportBytes) }).format;
  if (format === 'qcow2' || format === 'vmdk' || format === 'vhd') {
    return problem(format, `${claim} the content is a ${format} disk image, not packed. Rename it to end in .${format} and it is imported as it is.`);
  }
  return problem('unknown', `${claim} the content is none of gzip, xz, zstd, bzip2, zip or tar. Upload the file the name describes; a disk image itself is named .qcow2, .vhd, .vmdk, .raw or .img.`);
}


/** The first decompressed bytes of a `.tar.gz` (…) must be a tar. */
export function checkArchiveMagic(key: string, packing: Packing, head: Uint8Array): Problem | undefined {
  if (packing.archive === undefined || packing.codec === undefined) return undefined;
  if (archiveFromMagic(head) === 'tar') return undefined;
  return {
    code: 'packing-mismatch',
    field: 'content',
    value: packing.codec,
    message: `The key ${JSON.stringify(key)} ends in "${packing.suffix}", ${aPacking(packing)}, but what the ${packing.codec} stream holds is not a tar archive. Upload the file the name describes, or rename it after its content (e.g. "${packing.stem}.img${packing.suffix.slice(packing.suffix.lastIndexOf('.'))}").`,
  };
}
