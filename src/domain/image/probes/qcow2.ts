// qcow2 header layout: qemu docs/interop/qcow2.txt (big-endian). Safety rules: OpenStack
// oslo.utils format_inspector (backing file, data file, unknown features; CVE-2024-32498)
// plus the stricter ones in docs/reference/disk-images.md §2.2.
import { ascii, ByteView, printableText, safeNumber } from '../byte-view.js';
import { describeByteSize, shortByteSize } from '../byte-size-text.js';
import { contentProblem, convertToQcow2Command, type FormatMatch } from '../format-match.js';
import type { ImageBytes } from '../image-bytes.js';
import type { Problem } from '../../../kernel/index.js';

const magic = ascii('QFI\xfb');
const v2HeaderLength = 72;
const v3MinHeaderLength = 104;

const extensionNames = new Map<number, string>([
  [0xe2792aca, 'backing file format'],
  [0x6803f857, 'feature name table'],
  [0x23852875, 'bitmaps'],
  [0x0537be77, 'full disk encryption header'],
  [0x44415441, 'external data file'],
]);
const backingFormatExtension = 0xe2792aca;
const dataFileExtension = 0x44415441;

const incompatibleBitNames = ['dirty', 'corrupt', 'external data file', 'compression type', 'extended L2 entries'];

// `qemu-img convert` reads through backing files and data files and writes one self-contained file.
const standaloneCommand = 'qemu-img convert -f qcow2 -O qcow2 image.qcow2 standalone.qcow2';

export function probeQcow2(bytes: ImageBytes): FormatMatch | undefined {
  const start = bytes.slice(0, 4);
  if (start === undefined || !new ByteView(start).startsWith(magic)) return undefined;

  const problems: Problem[] = [];
  const warnings: string[] = [];
  const versionBytes = bytes.slice(0, 8);
  if (versionBytes === undefined) return truncatedHeader(bytes, 8);
  const version = new ByteView(versionBytes).u32be(4);

  if (version === 1) {
    return {
      format: 'qcow',
      virtualSizeBytes: null,
      details: { summary: 'qcow version 1 (the predecessor of qcow2)', warnings, version },
      problems: [
        contentProblem(
          'unsupported-format',
          `The content is a version 1 qcow image, which JD Cloud does not import. Convert it: ${convertToQcow2Command('qcow')}`,
          'qcow',
        ),
      ],
    };
  }
  if (version !== 2 && version !== 3) {
    problems.push(
      contentProblem(
        'qcow2-invalid-header',
        `The qcow2 header has version ${version}; only versions 2 and 3 exist. The file is damaged or not a qcow2 image.`,
        String(version),
      ),
    );
    return { format: 'qcow2', virtualSizeBytes: null, details: { summary: `qcow2 with unknown version ${version}`, warnings, version }, problems };
  }

  const headerNeeded = version === 2 ? v2HeaderLength : v3MinHeaderLength;
  const headerBytes = bytes.slice(0, headerNeeded);
  if (headerBytes === undefined) return truncatedHeader(bytes, headerNeeded, version);
  const header = new ByteView(headerBytes);

  const backingFileOffset = header.u64be(8);
  const backingFileSize = header.u32be(16);
  const clusterBits = header.u32be(20);
  const sizeField = header.u64be(24);
  const cryptMethod = header.u32be(32);
  const l1Size = header.u32be(36);
  const l1TableOffset = header.u64be(40);
  const refcountTableOffset = header.u64be(48);
  const refcountTableClusters = header.u32be(56);
  const snapshotCount = header.u32be(60);
  const incompatibleFeatures = version === 3 ? header.u64be(72) : 0n;
  const compatibleFeatures = version === 3 ? header.u64be(80) : 0n;
  const autoclearFeatures = version === 3 ? header.u64be(88) : 0n;
  const headerLength = version === 3 ? header.u32be(100) : v2HeaderLength;

  const virtualSizeBytes = safeNumber(sizeField) ?? null;
  const details: FormatMatch['details'] = {
    summary: '',
    warnings,
    version,
    clusterBits,
    clusterSizeBytes: clusterBits < 32 ? 2 ** clusterBits : null,
    encryption: cryptMethod === 0 ? 'none' : cryptMethod === 1 ? 'aes' : cryptMethod === 2 ? 'luks' : `unknown (${cryptMethod})`,
    snapshots: snapshotCount,
  };
  if (virtualSizeBytes === null) {
    problems.push(
      contentProblem('qcow2-invalid-header', `The qcow2 header gives a virtual size of ${sizeField} bytes, more than any disk can have. The file is damaged.`, String(sizeField)),
    );
  }

  if (clusterBits < 9 || clusterBits > 21) {
    problems.push(
      contentProblem(
        'qcow2-invalid-header',
        `The qcow2 header has cluster_bits ${clusterBits}; qemu accepts 9 to 21 (512 bytes to 2 MiB clusters). Re-create the image: qemu-img convert -f qcow2 -O qcow2 image.qcow2 fixed.qcow2`,
        String(clusterBits),
      ),
    );
  }
  if (version === 3 && (headerLength < v3MinHeaderLength || headerLength % 8 !== 0)) {
    problems.push(
      contentProblem(
        'qcow2-invalid-header',
        `The qcow2 v3 header length is ${headerLength}; it must be at least 104 and a multiple of 8. The file is damaged.`,
        String(headerLength),
      ),
    );
  }

  // Header extensions live in the first cluster, after the header.
  const clusterSize = clusterBits >= 9 && clusterBits <= 21 ? 2 ** clusterBits : 65536;
  const extensions = readHeaderExtensions(bytes, version === 3 ? headerLength : v2HeaderLength, clusterSize, warnings);
  details['headerExtensions'] = extensions.map((extension) => extension.name);
  const backingFormat = extensions.find((extension) => extension.type === backingFormatExtension)?.text;
  const dataFileName = extensions.find((extension) => extension.type === dataFileExtension)?.text;

  if (backingFileOffset !== 0n || backingFormat !== undefined) {
    const name = backingFileName(bytes, backingFileOffset, backingFileSize);
    details['backingFile'] = name ?? null;
    if (backingFormat !== undefined) details['backingFormat'] = backingFormat;
    problems.push(
      contentProblem(
        'qcow2-backing-file',
        `The qcow2 image has a backing file${name === undefined ? '' : ` "${name}"`}: it holds only the changes against another image and cannot be imported alone. Flatten it into a standalone image: ${standaloneCommand}`,
        name,
      ),
    );
  }

  const hasDataFileBit = (incompatibleFeatures & 0b100n) !== 0n;
  if (hasDataFileBit || dataFileName !== undefined) {
    details['dataFile'] = dataFileName ?? null;
    problems.push(
      contentProblem(
        'qcow2-external-data-file',
        `The qcow2 image keeps its data in an external file${dataFileName === undefined ? '' : ` "${dataFileName}"`} (data_file), which is not part of this upload and would make the import read a file by name. Convert it into a single file: ${standaloneCommand}`,
        dataFileName,
      ),
    );
  }

  if (version === 3) {
    const setBits = bitsSet(incompatibleFeatures);
    details['incompatibleFeatures'] = setBits.map((bit) => incompatibleBitNames[bit] ?? `bit ${bit}`);
    details['compatibleFeatures'] = bitsSet(compatibleFeatures).map((bit) => (bit === 0 ? 'lazy refcounts' : `bit ${bit}`));
    details['autoclearFeatures'] = bitsSet(autoclearFeatures).map((bit) =>
      bit === 0 ? 'bitmaps' : bit === 1 ? 'raw external data' : `bit ${bit}`,
    );
    // oslo treats every bit from 4 up as unknown, including extended L2 (subclusters).
    const unknown = setBits.filter((bit) => bit >= 4);
    if (unknown.length > 0) {
      const names = unknown.map((bit) => (bit === 4 ? 'bit 4 (extended L2 entries)' : `bit ${bit}`)).join(', ');
      problems.push(
        contentProblem(
          'qcow2-unknown-features',
          `The qcow2 image uses incompatible features the import cannot rely on: ${names}. Rewrite it without them: qemu-img convert -f qcow2 -O qcow2 -o compat=1.1 image.qcow2 plain.qcow2`,
          names,
        ),
      );
    }
    if (setBits.includes(1)) {
      problems.push(
        contentProblem(
          'qcow2-corrupt',
          'The qcow2 image is marked corrupt (incompatible feature bit 1). Repair it with `qemu-img check -r all image.qcow2`, or convert a good copy, then upload again.',
        ),
      );
    }
    if (setBits.includes(0)) warnings.push('The image is marked dirty (not closed cleanly); qemu repairs the refcounts when it opens it.');
    if (setBits.includes(3) && headerLength > 104) {
      const compression = bytes.slice(104, 1)?.[0];
      details['compressionType'] = compression === 0 ? 'zlib' : compression === 1 ? 'zstd' : compression === undefined ? null : `unknown (${compression})`;
      if (compression === 1) warnings.push('Compressed clusters use zstd; an older qemu on the import side may not read them.');
    }
  }

  if (cryptMethod !== 0) {
    problems.push(
      contentProblem(
        'qcow2-encrypted',
        `The qcow2 image is encrypted (${String(details['encryption'])}); the cloud cannot read it without the key. Decrypt it: qemu-img convert --object secret,id=sec0,file=passphrase.txt --image-opts driver=qcow2,file.filename=image.qcow2,encrypt.key-secret=sec0 -O qcow2 decrypted.qcow2`,
        String(details['encryption']),
      ),
    );
  }

  if (!problems.some((problem) => problem.code === 'qcow2-invalid-header')) {
    const truncation = qcow2Truncation(bytes.size, clusterSize, l1Size, l1TableOffset, refcountTableOffset, refcountTableClusters);
    if (truncation !== undefined) problems.push(truncation);
  }

  details.summary = `qcow2 v${version}, ${shortByteSize(clusterSize)} clusters${virtualSizeBytes === null ? '' : `, virtual size ${shortByteSize(virtualSizeBytes)}`}`;
  return { format: 'qcow2', virtualSizeBytes, details, problems };
}

function truncatedHeader(bytes: ImageBytes, needed: number, version?: number): FormatMatch {
  const problem = contentProblem(
    'qcow2-truncated',
    `The object starts like a qcow2 image but is ${bytes.size} bytes long; the qcow2 header alone needs ${needed}. The upload is incomplete: upload the whole file again.`,
    String(bytes.size),
  );
  const details: FormatMatch['details'] = { summary: 'qcow2, truncated header', warnings: [] };
  if (version !== undefined) details['version'] = version;
  return { format: 'qcow2', virtualSizeBytes: null, details, problems: [problem] };
}

interface HeaderExtension {
  type: number;
  name: string;
  text?: string;
}

function readHeaderExtensions(bytes: ImageBytes, start: number, clusterSize: number, warnings: string[]): HeaderExtension[] {
  const extensions: HeaderExtension[] = [];
  const limit = Math.min(clusterSize, bytes.size);
  let offset = start;
  while (offset + 8 <= limit && extensions.length < 64) {
    const headerBytes = bytes.slice(offset, 8);
    if (headerBytes === undefined) {
      warnings.push(`Header extensions continue beyond the ${bytes.headLength} bytes read; the ones after byte ${offset} were not checked.`);
      break;
    }
    const view = new ByteView(headerBytes);
    const type = view.u32be(0);
    const length = view.u32be(4);
    if (type === 0) break;
    const dataOffset = offset + 8;
    const extension: HeaderExtension = { type, name: extensionNames.get(type) ?? `unknown 0x${type.toString(16).padStart(8, '0')}` };
    if (type === backingFormatExtension || type === dataFileExtension) {
      const data = bytes.slice(dataOffset, Math.min(length, 1023));
      extension.text = data === undefined ? '' : printableText(new ByteView(data).latin1(0, data.length));
    }
    extensions.push(extension);
    if (length > limit) break;
    offset = dataOffset + Math.ceil(length / 8) * 8;
  }
  return extensions;
}

function backingFileName(bytes: ImageBytes, offset: bigint, size: number): string | undefined {
  const start = safeNumber(offset);
  if (start === undefined || size === 0 || size > 1023) return undefined;
  const data = bytes.slice(start, size);
  return data === undefined ? undefined : printableText(new ByteView(data).latin1(0, data.length));
}

function bitsSet(value: bigint): number[] {
  const bits: number[] = [];
  if (value === 0n) return bits;
  const low = Number(value & 0xffffffffn);
  const high = Number(value >> 32n);
  for (let bit = 0; bit < 32; bit += 1) if ((low >>> bit) & 1) bits.push(bit);
  for (let bit = 0; bit < 32; bit += 1) if ((high >>> bit) & 1) bits.push(bit + 32);
  return bits;
}

/** The L1 and refcount tables must lie inside the object; when they do not, bytes are missing. */
function qcow2Truncation(
  size: number,
  clusterSize: number,
  l1Size: number,
  l1TableOffset: bigint,
  refcountTableOffset: bigint,
  refcountTableClusters: number,
): Problem | undefined {
  const objectSize = BigInt(size);
  const tables: Array<[string, bigint, bigint]> = [];
  if (l1Size > 0) tables.push(['L1 table', l1TableOffset, l1TableOffset + BigInt(l1Size) * 8n]);
  if (refcountTableClusters > 0) {
    tables.push(['refcount table', refcountTableOffset, refcountTableOffset + BigInt(refcountTableClusters) * BigInt(clusterSize)]);
  }
  for (const [name, start, end] of tables) {
    if (end > objectSize) {
      return contentProblem(
        'qcow2-truncated',
        `The qcow2 header places the ${name} at bytes ${start}–${end - 1n}, beyond the end of the object (${describeByteSize(size)}). The upload is incomplete or the file is damaged: upload the whole file again.`,
        String(size),
      );
    }
  }
  return undefined;
}
