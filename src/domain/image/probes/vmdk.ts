// VMDK: the hosted sparse extent ("KDMV", VMware "Virtual Disk Format 5.0", little-endian),
// with its streamOptimized footer when the grain directory is at the end, the old VMDK3 "COWD"
// header, and descriptor-only text files. Checks after oslo's VMDKInspector plus
// docs/reference/disk-images.md §5.5.
import { ascii, ByteView, hasBytesAt, textBeforeNul, safeNumber } from '../byte-view.js';
import { describeByteSize, shortByteSize } from '../byte-size-text.js';
import { contentProblem, type FormatMatch } from '../format-match.js';
import { convertToQcow2Command, fileArgument, outputArgument } from '../fix-commands.js';
import type { ImageBytes } from '../image-bytes.js';
import { extentsSizeBytes, parseVmdkDescriptor, vmdkDescriptorProblems } from './vmdk-descriptor.js';
import { vmdkSparseHeaderProblems } from './vmdk-header-rules.js';
import type { Problem } from '../../../kernel/index.js';

const sparseMagic = ascii('KDMV');
const cowdMagic = ascii('COWD');
const gdAtEnd = 0xffffffffffffffffn;
const newlineCheck = ascii('\n \r\n');
const maxDescriptorBytes = 1024 * 1024 - 1;
const markerFooter = 3;
const markerEndOfStream = 0;
/** Rewriting the disk as a standard single-file VMDK. */
function reconvertCommand(name: string | undefined): string {
  return `qemu-img convert -f vmdk -O vmdk -o subformat=streamOptimized ${fileArgument(name, 'disk.vmdk')} ${outputArgument(name ?? 'disk.vmdk', 'vmdk', '-fixed')}`;
}

interface SparseHeader {
  version: number;
  flags: number;
  capacity: bigint;
  grainSize: bigint;
  descriptorOffset: bigint;
  descriptorSize: bigint;
  numGTEsPerGT: number;
  rgdOffset: bigint;
  gdOffset: bigint;
  overhead: bigint;
  newlineCharsOk: boolean;
  compressAlgorithm: number;
}

function parseSparseHeader(data: Uint8Array): SparseHeader {
  const view = new ByteView(data);
  return {
    version: view.u32le(4),
    flags: view.u32le(8),
    capacity: view.u64le(12),
    grainSize: view.u64le(20),
    descriptorOffset: view.u64le(28),
    descriptorSize: view.u64le(36),
    numGTEsPerGT: view.u32le(44),
    rgdOffset: view.u64le(48),
    gdOffset: view.u64le(56),
    overhead: view.u64le(64),
    newlineCharsOk: view.startsWith(newlineCheck, 73),
    compressAlgorithm: view.u16le(77),
  };
}

export function probeVmdkSparse(bytes: ImageBytes): FormatMatch | undefined {
  const start = bytes.slice(0, 4);
  if (!hasBytesAt(start, sparseMagic)) return undefined;
  const headerBytes = bytes.slice(0, 512);
  if (headerBytes === undefined) {
    return {
      format: 'vmdk',
      virtualSizeBytes: null,
      details: { summary: 'VMDK sparse extent, truncated header', warnings: [] },
      problems: [truncated(`is ${describeByteSize(bytes.size)} long; the sparse extent header alone needs 512 bytes`, bytes.size)],
    };
  }
  const header = parseSparseHeader(headerBytes);
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const details: FormatMatch['details'] = {
    summary: '',
    warnings,
    version: header.version,
    compressedGrains: (header.flags & 0x10000) !== 0,
    markers: (header.flags & 0x20000) !== 0,
    grainDirectoryAtEnd: header.gdOffset === gdAtEnd,
    compressAlgorithm: header.compressAlgorithm,
  };

  if (header.version < 1 || header.version > 3) {
    problems.push(invalidHeader(`has version ${header.version}; only 1, 2 and 3 exist`, String(header.version), bytes.name));
  }
  if ((header.flags & 1) !== 0 && !header.newlineCharsOk) {
    problems.push(invalidHeader('has damaged newline check characters: the file was transferred in text mode (e.g. FTP ASCII) and is corrupted', 'newline check', bytes.name));
  }
  if (header.compressAlgorithm !== 0 && header.compressAlgorithm !== 1) {
    problems.push(invalidHeader(`uses compression algorithm ${header.compressAlgorithm}; only 0 (none) and 1 (deflate) exist`, String(header.compressAlgorithm), bytes.name));
  }

  // With the grain directory at the end, qemu reads the footer's copy of the header.
  let effective = header;
  if (header.gdOffset === gdAtEnd) {
    effective = checkStreamFooter(bytes, header, problems) ?? header;
  } else {
    problems.push(...checkTablesInside(bytes, header));
  }
  problems.push(...vmdkSparseHeaderProblems(effective, reconvertCommand(bytes.name)));
  const virtualSizeBytes = safeNumber(effective.capacity * 512n) ?? null;

  problems.push(...checkEmbeddedDescriptor(bytes, header, details));

  const createType = typeof details['createType'] === 'string' ? details['createType'] : 'sparse extent';
  details.summary = `VMDK ${createType}${virtualSizeBytes === null ? '' : `, virtual size ${shortByteSize(virtualSizeBytes)}`}`;
  return { format: 'vmdk', virtualSizeBytes, details, problems };
}

function checkEmbeddedDescriptor(bytes: ImageBytes, header: SparseHeader, details: FormatMatch['details']): Problem[] {
  if (header.descriptorOffset === 0n) return [splitPiece('has no embedded descriptor')];
  // oslo requires the descriptor right after the header ("Wrong descriptor location").
  if (header.descriptorOffset !== 1n) {
    return [invalidHeader(`places its descriptor at sector ${header.descriptorOffset}; it must be at sector 1`, String(header.descriptorOffset), bytes.name)];
  }
  const length = header.descriptorSize * 512n;
  if (length === 0n || length > BigInt(maxDescriptorBytes)) {
    return [invalidHeader(`gives a descriptor size of ${header.descriptorSize} sectors; it must be 1 to 2047`, String(header.descriptorSize), bytes.name)];
  }
  const descriptorBytes = bytes.slice(512, Number(length));
  if (descriptorBytes === undefined) {
    if (512 + Number(length) > bytes.size) {
      return [truncated(`ends before its embedded descriptor (bytes 512–${512 + Number(length) - 1})`, bytes.size)];
    }
    return [
      contentProblem(
        'vmdk-invalid-descriptor',
        `The VMDK's embedded descriptor is ${length} bytes long and extends beyond the ${bytes.headLength} bytes inspected, so its safety cannot be checked. Rewrite the disk with a standard descriptor: ${reconvertCommand(bytes.name)}`,
        String(length),
      ),
    ];
  }
  const text = textBeforeNul(descriptorBytes);
  if (/[^\t\n\r\x20-\x7e]/.test(text)) {
    return [contentProblem('vmdk-invalid-descriptor', `The VMDK's embedded descriptor is not ASCII text. The file is damaged: ${reconvertCommand(bytes.name)}`)];
  }
  if (text.trim() === '') return [splitPiece('has an empty embedded descriptor')];
  const descriptor = parseVmdkDescriptor(text);
  if (descriptor.createType !== undefined) details['createType'] = descriptor.createType;
  details['extents'] = descriptor.extents;
  return vmdkDescriptorProblems(descriptor, true, bytes.name);
}

/**
 * streamOptimized with "GD at end": the last 1536 bytes are a footer marker, a copy of the
 * header with the real grain directory offset, and an end-of-stream marker.
 */
function checkStreamFooter(bytes: ImageBytes, header: SparseHeader, problems: Problem[]): SparseHeader | undefined {
  const tail = bytes.size >= 1536 + 512 ? bytes.slice(bytes.size - 1536, 1536) : undefined;
  if (tail === undefined) {
    problems.push(
      contentProblem(
        'vmdk-invalid-footer',
        `The streamOptimized VMDK keeps its grain directory at the end, but the object (${describeByteSize(bytes.size)}) has no footer in its last 1536 bytes. The upload is incomplete or the file is damaged: upload the whole file again.`,
        String(bytes.size),
      ),
    );
    return undefined;
  }
  const view = new ByteView(tail);
  const reasons: string[] = [];
  if (view.u32le(8) !== 0 || view.u32le(12) !== markerFooter) reasons.push('no footer marker 1536 bytes before the end');
  if (view.u64le(1024) !== 0n || view.u32le(1032) !== 0 || view.u32le(1036) !== markerEndOfStream) reasons.push('no end-of-stream marker in the last 512 bytes');
  const footerBytes = tail.subarray(512, 1024);
  if (!hasBytesAt(footerBytes, sparseMagic)) {
    reasons.push('the footer does not start with "KDMV"');
  } else {
    const footer = parseSparseHeader(footerBytes);
    if (footer.version !== header.version) reasons.push(`the footer's version ${footer.version} differs from the header's ${header.version}`);
    if (footer.descriptorOffset !== header.descriptorOffset || footer.descriptorSize !== header.descriptorSize) {
      reasons.push("the footer's descriptor location differs from the header's");
    }
    if (footer.gdOffset === gdAtEnd) reasons.push('the footer itself says "grain directory at end"');
    if (reasons.length === 0) return footer;
  }
  problems.push(
    contentProblem(
      'vmdk-invalid-footer',
      `The streamOptimized VMDK footer is invalid: ${reasons.join('; ')}. The upload is incomplete or the file is damaged: upload the whole file again, or ${reconvertCommand(bytes.name)}`,
    ),
  );
  return undefined;
}

function checkTablesInside(bytes: ImageBytes, header: SparseHeader): Problem[] {
  const size = BigInt(bytes.size);
  const tables: Array<[string, bigint]> = [['grain directory', header.gdOffset]];
  if ((header.flags & 0b10) !== 0) tables.push(['redundant grain directory', header.rgdOffset]);
  for (const [name, sector] of tables) {
    if (sector * 512n >= size) {
      return [truncated(`places its ${name} at byte ${sector * 512n}, beyond its end`, bytes.size)];
    }
  }
  if (header.overhead * 512n > size) {
    return [truncated(`is shorter than its own metadata (${header.overhead * 512n} bytes)`, bytes.size)];
  }
  return [];
}

/** VMDK3 / ESX "COWD" sparse files: recognised, not importable. */
export function probeVmdkCowd(bytes: ImageBytes): FormatMatch | undefined {
  const header = bytes.slice(0, 16);
  if (!hasBytesAt(header, cowdMagic) || header === undefined) return undefined;
  const sectors = new ByteView(header).u32le(12);
  return {
    format: 'vmdk',
    virtualSizeBytes: sectors * 512,
    details: { summary: 'VMDK3 (ESX COW sparse)', warnings: [], createType: 'vmfsSparse (COWD)' },
    problems: [
      contentProblem(
        'vmdk-unsupported-create-type',
        `The content is an old VMDK3/ESX "COWD" sparse file; only monolithicSparse and streamOptimized VMDKs can be imported. Convert it: ${convertToQcow2Command('vmdk', bytes.name ?? 'disk.vmdk')}`,
        'COWD',
      ),
    ],
  };
}

/** A `.vmdk` that is only the text descriptor (monolithicFlat, split, ESX kinds). */
export function probeVmdkDescriptor(bytes: ImageBytes): FormatMatch | undefined {
  const head = bytes.slice(0, Math.min(bytes.headLength, bytes.size, maxDescriptorBytes));
  if (head === undefined || head.length === 0) return undefined;
  // Text starts with a comment, a key or blank space; anything else is not a descriptor.
  const first = head[0] ?? 0;
  if (!(first === 0x23 || first === 0x09 || first === 0x0a || first === 0x0d || first === 0x20 || (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7a)) {
    return undefined;
  }
  // Recognise by the start (4 KiB) before decoding the whole text.
  const start = textBeforeNul(head.subarray(0, 4096));
  const firstLine = start.trimStart().split(/\r?\n/, 1)[0]?.trim().toLowerCase() ?? '';
  const looksLikeDescriptor = firstLine.startsWith('# disk descriptorfile') || /^[ \t]*createType[ \t]*=/im.test(start);
  if (!looksLikeDescriptor) return undefined;
  const end = head.indexOf(0);
  const text = textBeforeNul(head);
  if (/[^\t\n\r\x20-\x7e]/.test(text)) {
    return {
      format: 'vmdk',
      virtualSizeBytes: null,
      details: { summary: 'VMDK descriptor (not ASCII)', warnings: [] },
      problems: [contentProblem('vmdk-invalid-descriptor', 'The VMDK descriptor is not ASCII text, so it cannot be checked. Convert the disk: ' + convertToQcow2Command('vmdk', bytes.name ?? 'disk.vmdk'))],
    };
  }
  const warnings: string[] = [];
  if (head.length < bytes.size && end < 0) {
    warnings.push(`Only the first ${head.length} bytes of the descriptor were read.`);
  }
  const descriptor = parseVmdkDescriptor(text);
  const virtualSizeBytes = extentsSizeBytes(descriptor.extents);
  return {
    format: 'vmdk',
    virtualSizeBytes,
    details: {
      summary: `VMDK descriptor only${descriptor.createType === undefined ? '' : ` (${descriptor.createType})`}, ${descriptor.extents.length} extent${descriptor.extents.length === 1 ? '' : 's'}`,
      warnings,
      createType: descriptor.createType ?? null,
      extents: descriptor.extents,
    },
    problems: vmdkDescriptorProblems(descriptor, false, bytes.name),
  };
}

/** The extents of split VMDKs (twoGbMaxExtentSparse) carry no descriptor of their own. */
function splitPiece(what: string): Problem {
  return contentProblem(
    'vmdk-unsupported-create-type',
    `The VMDK sparse extent ${what}: it is one piece of a split VMDK (e.g. twoGbMaxExtentSparse), not a whole disk. Convert the whole disk into one file: ${convertToQcow2Command('vmdk', 'disk.vmdk')} (run it on the descriptor, next to all its pieces)`,
    'split extent',
  );
}

function invalidHeader(what: string, value: string, name: string | undefined): Problem {
  return contentProblem('vmdk-invalid-header', `The VMDK sparse header ${what}. The file is damaged or not a VMDK: ${reconvertCommand(name)}`, value);
}

function truncated(what: string, size: number): Problem {
  return contentProblem('vmdk-truncated', `The VMDK ${what} (the object is ${describeByteSize(size)}). The upload is incomplete: upload the whole file again.`, String(size));
}
