// VHD ("vpc"): Microsoft's Virtual Hard Disk Image Format Specification; big-endian.
// The footer is at the end of every VHD; dynamic and differencing disks keep a copy at
// offset 0. A fixed VHD has no signature at the start, so only the tail finds it (qemu's own
// probe cannot). Virtual size rule: qemu block/vpc.c (see docs/reference/disk-images.md §3.3).
import { ascii, ByteView, hasBytesAt, printableText, safeNumber } from '../byte-view.js';
import { describeByteSize, shortByteSize } from '../byte-size-text.js';
import { contentProblem, type FormatMatch } from '../format-match.js';
import { convertToQcow2Command } from '../fix-commands.js';
import { leadingBytesOf, type ImageBytes } from '../image-bytes.js';
import { describePartitionTable } from './partition-table.js';
import type { Problem } from '../../../kernel/index.js';

const cookie = ascii('conectix');
const dynamicHeaderCookie = ascii('cxsparse');
const footerLength = 512;
const noDataOffset = 0xffffffffffffffffn;
const maxGeometrySectors = 65535 * 16 * 255;
const diskTypes: Record<number, string> = { 2: 'fixed', 3: 'dynamic', 4: 'differencing' };

interface Footer {
  bytes: Uint8Array;
  at: number;
  dataOffset: bigint;
  creatorApp: string;
  creatorOs: string;
  originalSize: bigint;
  currentSize: bigint;
  cylinders: number;
  heads: number;
  sectorsPerTrack: number;
  diskType: number;
  checksumStored: number;
  checksumComputed: number;
}

export function probeVhd(bytes: ImageBytes): FormatMatch | undefined {
  const head = footerAt(bytes, 0, footerLength);
  const tail = tailFooter(bytes);
  if (head === undefined && tail === undefined) return undefined;

  const problems: Problem[] = [];
  const warnings: string[] = [];
  const footer = (tail ?? head) as Footer;
  const subformat = diskTypes[footer.diskType] ?? `unknown type ${footer.diskType}`;
  const chsSize = footer.cylinders * footer.heads * footer.sectorsPerTrack * 512;
  const currentSize = safeNumber(footer.currentSize);
  // qemu (since "vpc: Read images exported from Azure correctly") trusts current_size except
  // for images written by Virtual PC and old qemu, whose geometry is authoritative — unless
  // the geometry is the maximum, which cannot express larger disks.
  const creatorTrustsGeometry = footer.creatorApp === 'vpc ' || footer.creatorApp === 'qemu';
  const geometrySectors = footer.cylinders * footer.heads * footer.sectorsPerTrack;
  const useGeometry = creatorTrustsGeometry && geometrySectors !== maxGeometrySectors;
  const virtualSizeBytes = useGeometry ? chsSize : (currentSize ?? null);

  const details: FormatMatch['details'] = {
    summary: '',
    warnings,
    subformat,
    footerAt: [head === undefined ? undefined : 'start', tail === undefined ? undefined : 'end'].filter((place) => place !== undefined),
    creatorApplication: printableText(footer.creatorApp),
    creatorHostOs: printableText(footer.creatorOs),
    currentSizeBytes: currentSize ?? null,
    originalSizeBytes: safeNumber(footer.originalSize) ?? null,
    geometry: { cylinders: footer.cylinders, heads: footer.heads, sectorsPerTrack: footer.sectorsPerTrack, sizeBytes: chsSize },
    sizeFrom: useGeometry ? 'geometry' : 'current size',
  };
  if (virtualSizeBytes !== null && currentSize !== undefined && chsSize !== currentSize && geometrySectors !== maxGeometrySectors) {
    warnings.push(`The footer's current size (${currentSize}) and its geometry (${chsSize} bytes) disagree; the ${useGeometry ? 'geometry' : 'current size'} is used, as qemu does.`);
  }

  for (const copy of [head, tail]) {
    if (copy !== undefined && copy.checksumStored !== copy.checksumComputed) {
      problems.push(
        contentProblem(
          'vhd-footer-checksum',
          `The VHD footer at byte ${copy.at} has checksum 0x${hex32(copy.checksumStored)}, but its contents sum to 0x${hex32(copy.checksumComputed)}. The file is damaged; qemu refuses it. Re-export the disk.`,
          `0x${hex32(copy.checksumStored)}`,
        ),
      );
    }
  }

  if (footer.diskType === 4) {
    const parent = parentName(bytes, footer);
    if (parent !== undefined) details['parent'] = parent;
    problems.push(
      contentProblem(
        'vhd-differencing',
        `The VHD is a differencing disk${parent === undefined ? '' : ` whose parent is "${parent}"`}: it holds only the changes against another file and cannot be imported alone. Merge it into a standalone disk first (e.g. Hyper-V "Merge", or ${convertToQcow2Command('vpc', bytes.name ?? 'child.vhd')} with the parent next to it).`,
        parent,
      ),
    );
  } else if (diskTypes[footer.diskType] === undefined) {
    problems.push(
      contentProblem(
        'vhd-invalid-footer',
        `The VHD footer has disk type ${footer.diskType}; only 2 (fixed), 3 (dynamic) and 4 (differencing) exist. The file is damaged or not a VHD.`,
        String(footer.diskType),
      ),
    );
  }

  if (footer.diskType === 3 || footer.diskType === 4) {
    problems.push(...compareFooterCopies(bytes, head, tail));
    problems.push(...checkDynamicHeader(bytes, footer, details));
  }

  const dataSize = bytes.size - (tail?.bytes.length ?? footerLength);
  // Without the copy at offset 0, only a fixed-disk footer that describes this very object is
  // strong evidence; anything else at the end may be a VHD-looking sector inside other data.
  const weak = head === undefined && !(footer.diskType === 2 && currentSize === dataSize);
  if (footer.diskType === 2) {
    if (currentSize !== dataSize) {
      problems.push(
        contentProblem(
          'vhd-truncated',
          `The fixed VHD footer says the disk holds ${currentSize === undefined ? String(footer.currentSize) : describeByteSize(currentSize)}, but ${describeByteSize(dataSize)} precede the footer. The file is incomplete or damaged: upload the whole file again.`,
          String(bytes.size),
        ),
      );
    }
    const partitions = describePartitionTable(leadingBytesOf(bytes, Math.max(0, dataSize)));
    details['partitionTable'] = partitions.details;
    warnings.push(...partitions.warnings);
    problems.push(...partitions.problems);
  }

  details.summary = `VHD ${subformat}${virtualSizeBytes === null ? '' : `, virtual size ${shortByteSize(virtualSizeBytes)}`}`;
  const match: FormatMatch = { format: 'vhd', virtualSizeBytes, details, problems };
  if (weak) match.weak = true;
  return match;
}

function tailFooter(bytes: ImageBytes): Footer | undefined {
  if (bytes.size < footerLength) return undefined;
  // Files from before Virtual PC 2004 have a 511-byte footer.
  return footerAt(bytes, bytes.size - footerLength, footerLength) ?? footerAt(bytes, bytes.size - (footerLength - 1), footerLength - 1);
}

function footerAt(bytes: ImageBytes, at: number, length: number): Footer | undefined {
  const data = bytes.slice(at, length);
  if (data === undefined || !hasBytesAt(data, cookie)) return undefined;
  const view = new ByteView(data);
  let sum = 0;
  for (let index = 0; index < data.length; index += 1) if (index < 64 || index >= 68) sum += data[index] ?? 0;
  return {
    bytes: data,
    at,
    dataOffset: view.u64be(16),
    creatorApp: view.latin1(28, 4),
    creatorOs: view.latin1(36, 4),
    originalSize: view.u64be(40),
    currentSize: view.u64be(48),
    cylinders: view.u16be(56),
    heads: view.u8(58),
    sectorsPerTrack: view.u8(59),
    diskType: view.u32be(60),
    checksumStored: view.u32be(64),
    checksumComputed: ~sum >>> 0,
  };
}

function compareFooterCopies(bytes: ImageBytes, head: Footer | undefined, tail: Footer | undefined): Problem[] {
  if (head !== undefined && tail === undefined) {
    return [
      contentProblem(
        'vhd-footer-mismatch',
        `The VHD has its footer copy at the start but no footer in the last 512 bytes of the object (${describeByteSize(bytes.size)}). The upload is incomplete: upload the whole file again.`,
        String(bytes.size),
      ),
    ];
  }
  if (head === undefined && tail !== undefined) {
    return [
      contentProblem(
        'vhd-footer-mismatch',
        'The dynamic VHD has a footer at the end but not its required copy at offset 0. The file is damaged: re-export the disk.',
      ),
    ];
  }
  if (head !== undefined && tail !== undefined && !sameBytes(head.bytes.subarray(0, 511), tail.bytes.subarray(0, 511))) {
    return [
      contentProblem(
        'vhd-footer-mismatch',
        'The VHD footer at the end differs from its copy at offset 0 ("Footers not identical"). The file is damaged or was modified: re-export the disk.',
      ),
    ];
  }
  return [];
}

function checkDynamicHeader(bytes: ImageBytes, footer: Footer, details: FormatMatch['details']): Problem[] {
  const offset = safeNumber(footer.dataOffset);
  if (footer.dataOffset === noDataOffset || offset === undefined) {
    return [
      contentProblem(
        'vhd-invalid-header',
        `The ${diskTypes[footer.diskType]} VHD footer has no valid offset for its dynamic disk header (0x${footer.dataOffset.toString(16)}). The file is damaged.`,
      ),
    ];
  }
  const header = bytes.slice(offset, 1024);
  if (header === undefined) {
    if (offset + 1024 > bytes.size) {
      return [
        contentProblem(
          'vhd-truncated',
          `The VHD footer places the dynamic disk header at byte ${offset}, beyond the end of the object (${describeByteSize(bytes.size)}). The upload is incomplete: upload the whole file again.`,
          String(bytes.size),
        ),
      ];
    }
    details.warnings.push(`The dynamic disk header at byte ${offset} lies beyond the bytes read; it was not checked.`);
    return [];
  }
  const view = new ByteView(header);
  if (!view.startsWith(dynamicHeaderCookie)) {
    return [
      contentProblem(
        'vhd-invalid-header',
        `The dynamic VHD header at byte ${offset} does not start with "cxsparse". The file is damaged or not a VHD.`,
      ),
    ];
  }
  const tableOffset = view.u64be(16);
  const maxTableEntries = view.u32be(28);
  const blockSize = view.u32be(32);
  details['blockSizeBytes'] = blockSize;
  details['blockTableEntries'] = maxTableEntries;
  const tableEnd = tableOffset + BigInt(maxTableEntries) * 4n;
  if (tableEnd > BigInt(bytes.size)) {
    return [
      contentProblem(
        'vhd-truncated',
        `The VHD block allocation table ends at byte ${tableEnd}, beyond the end of the object (${describeByteSize(bytes.size)}). The upload is incomplete: upload the whole file again.`,
        String(bytes.size),
      ),
    ];
  }
  return [];
}

/** The parent's file name from a differencing disk's dynamic header (UTF-16BE at +64). */
function parentName(bytes: ImageBytes, footer: Footer): string | undefined {
  const offset = safeNumber(footer.dataOffset);
  if (offset === undefined) return undefined;
  const header = bytes.slice(offset, 1024);
  if (header === undefined || !hasBytesAt(header, dynamicHeaderCookie)) return undefined;
  const view = new ByteView(header);
  let name = '';
  for (let at = 64; at < 576; at += 2) {
    const code = view.u16be(at);
    if (code === 0) break;
    name += String.fromCharCode(code);
  }
  return name === '' ? undefined : printableText(name);
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}
