// Compressed files and archives (RFC 1952 gzip, .xz, RFC 8878 zstd, bzip2, lz4, 7z, PKWARE
// zip, POSIX ustar/GNU tar, OVA = tar with the .ovf first). None can be imported as they are;
// each is recognised by its magic so the rejection says what to do instead.
import { ascii, ByteView, hasBytesAt, latin1, printableText, safeNumber } from '../byte-view.js';
import { contentProblem, type FormatMatch } from '../format-match.js';
import { fileArgument } from '../fix-commands.js';
import type { ImageBytes } from '../image-bytes.js';
import type { DetectedFormat } from '../disk-format.js';

const uploadInstead = 'JD Cloud imports only uncompressed qcow2, vhd, vmdk or raw images.';

function compressed(format: DetectedFormat, name: string, decompress: string, facts: Record<string, unknown>, innerName?: string): FormatMatch {
  const what = innerName === undefined ? 'the disk image' : `"${innerName}"`;
  return {
    format,
    virtualSizeBytes: null,
    details: { summary: `${name}-compressed file${innerName === undefined ? '' : ` (of "${innerName}")`}`, warnings: [], ...facts },
    problems: [
      contentProblem(
        'compressed-image',
        `The content is ${name}-compressed. ${uploadInstead} Decompress it (${decompress}) and upload ${what} instead.`,
        format,
      ),
    ],
  };
}

export function probeGzip(bytes: ImageBytes): FormatMatch | undefined {
  const head = bytes.slice(0, 10);
  if (head === undefined || head[0] !== 0x1f || head[1] !== 0x8b || head[2] !== 0x08) return undefined;
  const flags = head[3] ?? 0;
  const facts: Record<string, unknown> = {};
  let originalName: string | undefined;
  if ((flags & 0x08) !== 0) {
    let offset = 10;
    if ((flags & 0x04) !== 0) {
      const extraLength = bytes.slice(10, 2);
      offset = extraLength === undefined ? -1 : 12 + new ByteView(extraLength).u16le(0);
    }
    const rest = offset < 0 ? undefined : bytes.slice(offset, Math.min(1024, Math.max(0, bytes.headLength - offset)));
    if (rest !== undefined && rest.includes(0)) originalName = printableText(latin1(rest.subarray(0, rest.indexOf(0))), 200);
  }
  if (originalName !== undefined) facts['originalName'] = originalName;
  const trailer = bytes.size >= 18 ? bytes.slice(bytes.size - 4, 4) : undefined;
  // ISIZE is the uncompressed size modulo 2^32 (RFC 1952): wrong beyond 4 GiB.
  if (trailer !== undefined) facts['uncompressedSizeMod2To32'] = new ByteView(trailer).u32le(0);
  return compressed('gzip', 'gzip', `gunzip -k ${fileArgument(bytes.name)}`, facts, originalName);
}

export function probeXz(bytes: ImageBytes): FormatMatch | undefined {
  if (!hasBytesAt(bytes.slice(0, 6), Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00))) return undefined;
  return compressed('xz', 'xz', `unxz -k ${fileArgument(bytes.name)}`, {});
}

export function probeZstd(bytes: ImageBytes): FormatMatch | undefined {
  const head = bytes.slice(0, 4);
  if (head === undefined) return undefined;
  const magic = new ByteView(head).u32le(0);
  const skippable = (magic & 0xfffffff0) === 0x184d2a50;
  if (magic !== 0xfd2fb528 && !skippable) return undefined;
  const facts: Record<string, unknown> = {};
  if (!skippable) {
    const size = zstdContentSize(bytes);
    if (size !== undefined) facts['uncompressedSizeBytes'] = size;
  }
  return compressed('zstd', 'zstd', `unzstd ${fileArgument(bytes.name)}`, facts);
}

/** Frame_Content_Size from the frame header, when the compressor wrote one (RFC 8878 §3.1.1.1). */
function zstdContentSize(bytes: ImageBytes): number | undefined {
  const header = bytes.slice(0, 18);
  if (header === undefined) return undefined;
  const view = new ByteView(header);
  const descriptor = view.u8(4);
  const sizeFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 0b11] ?? 0;
  const at = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
  const fieldBytes = [singleSegment ? 1 : 0, 2, 4, 8][sizeFlag] ?? 0;
  if (fieldBytes === 1) return view.u8(at);
  if (fieldBytes === 2) return view.u16le(at) + 256;
  if (fieldBytes === 4) return view.u32le(at);
  if (fieldBytes === 8) return safeNumber(view.u64le(at));
  return undefined;
}

export function probeBzip2(bytes: ImageBytes): FormatMatch | undefined {
  const head = bytes.slice(0, 4);
  if (!hasBytesAt(head, ascii('BZh')) || head === undefined || (head[3] ?? 0) < 0x31 || (head[3] ?? 0) > 0x39) return undefined;
  return compressed('bzip2', 'bzip2', `bunzip2 -k ${fileArgument(bytes.name)}`, {});
}

export function probeLz4(bytes: ImageBytes): FormatMatch | undefined {
  if (!hasBytesAt(bytes.slice(0, 4), Uint8Array.of(0x04, 0x22, 0x4d, 0x18))) return undefined;
  return compressed('lz4', 'lz4', `unlz4 ${fileArgument(bytes.name)}`, {});
}

function archive(format: DetectedFormat, summary: string, message: string, facts: Record<string, unknown>): FormatMatch {
  return {
    format,
    virtualSizeBytes: null,
    details: { summary, warnings: [], ...facts },
    problems: [contentProblem('archive-image', message, format)],
  };
}

export function probe7z(bytes: ImageBytes): FormatMatch | undefined {
  if (!hasBytesAt(bytes.slice(0, 6), Uint8Array.of(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c))) return undefined;
  return archive('7z', '7-Zip archive', `The content is a 7-Zip archive. ${uploadInstead} Extract it (7z x ${fileArgument(bytes.name)}) and upload the disk image inside.`, {});
}

export function probeZip(bytes: ImageBytes): FormatMatch | undefined {
  const head = bytes.slice(0, 4);
  const isEntry = hasBytesAt(head, Uint8Array.of(0x50, 0x4b, 0x03, 0x04));
  if (!isEntry && !hasBytesAt(head, Uint8Array.of(0x50, 0x4b, 0x05, 0x06))) return undefined;
  const facts: Record<string, unknown> = {};
  let firstName: string | undefined;
  const local = isEntry ? bytes.slice(0, 30) : undefined;
  if (local !== undefined) {
    const view = new ByteView(local);
    facts['method'] = view.u16le(8);
    const uncompressed = view.u32le(22);
    if (uncompressed !== 0 && uncompressed !== 0xffffffff) facts['firstEntryUncompressedSizeBytes'] = uncompressed;
    const name = bytes.slice(30, view.u16le(26));
    if (name !== undefined && name.length > 0) firstName = printableText(latin1(name), 200);
  }
  if (firstName !== undefined) facts['firstEntry'] = firstName;
  const inside = firstName === undefined ? 'the disk image inside' : `the disk image inside (the first entry is "${firstName}")`;
  return archive('zip', `zip archive${firstName === undefined ? '' : ` (first entry "${firstName}")`}`, `The content is a zip archive. ${uploadInstead} Extract it (unzip ${fileArgument(bytes.name)}) and upload ${inside}.`, facts);
}

export function probeTar(bytes: ImageBytes): FormatMatch | undefined {
  const header = bytes.slice(0, 512);
  if (header === undefined) return undefined;
  const view = new ByteView(header);
  const posix = view.startsWith(ascii('ustar\x0000'), 257);
  const gnu = view.startsWith(ascii('ustar  \0'), 257);
  if (!posix && !gnu) return undefined;
  const prefix = posix ? printableText(view.latin1(345, 155)) : '';
  const base = printableText(view.latin1(0, 100));
  const name = prefix === '' ? base : `${prefix}/${base}`;
  const size = tarSize(header.subarray(124, 136));
  const ova = name.toLowerCase().endsWith('.ovf');
  const facts: Record<string, unknown> = { firstEntry: name, ova };
  if (size !== undefined) facts['firstEntrySizeBytes'] = size;
  const message = ova
    ? `The content is an OVA (a tar archive whose first entry is "${name}"). ${uploadInstead} Extract it (tar -xf ${fileArgument(bytes.name)}) and upload the disk inside; its streamOptimized .vmdk can be uploaded as it is, or converted: qemu-img convert -f vmdk -O qcow2 disk1.vmdk disk1.qcow2`
    : `The content is a tar archive (first entry "${name}"). ${uploadInstead} Extract it (tar -xf ${fileArgument(bytes.name)}) and upload the disk image inside.`;
  return archive('tar', ova ? `OVA (tar, first entry "${name}")` : `tar archive (first entry "${name}")`, message, facts);
}

/** The size field: octal ASCII, or GNU base-256 when the first byte has its top bit set. */
function tarSize(field: Uint8Array): number | undefined {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = BigInt((field[0] ?? 0) & 0x7f);
    for (const byte of field.subarray(1)) value = (value << 8n) | BigInt(byte);
    return safeNumber(value);
  }
  const text = latin1(field).replace(/[\0 ]+$/, '').trim();
  return /^[0-7]+$/.test(text) ? safeNumber(BigInt(`0o${text}`)) : undefined;
}
