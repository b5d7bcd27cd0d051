// VHDX: [MS-VHDX], little-endian. Recognised so it can be rejected (JD Cloud does not import
// it). Its virtual size sits in the metadata region, found through the region table at
// 192 KiB — beyond the 64 KiB head that is read for every image — so it is reported only
// when the caller handed over enough bytes.
import { ascii, ByteView, hasBytesAt, printableText, safeNumber } from '../byte-view.js';
import { shortByteSize } from '../byte-size-text.js';
import { contentProblem, type FormatMatch } from '../format-match.js';
import { convertToQcow2Command } from '../fix-commands.js';
import type { ImageBytes } from '../image-bytes.js';
import { guidText } from './partition-table.js';
import type { Problem } from '../../../kernel/index.js';

const fileSignature = ascii('vhdxfile');
const headerSignature = ascii('head');
const regionTableSignature = ascii('regi');
const metadataSignature = ascii('metadata');
const regionTableOffset = 0x30000;
const metadataRegionGuid = '8B7CA206-4790-4B9A-B8FE-575F050F886E';
const fileParametersGuid = 'CAA16737-FA36-4D43-B3B6-33F0AA44E76B';
const virtualDiskSizeGuid = '2FA54224-CD1B-4876-B211-5DBED83BF4B8';
const parentLocatorGuid = 'A8D35F2D-B30B-454D-ABF7-D3D84834AB0C';

export function probeVhdx(bytes: ImageBytes): FormatMatch | undefined {
  const identifier = bytes.slice(0, 8);
  if (!hasBytesAt(identifier, fileSignature)) return undefined;

  const warnings: string[] = [];
  const problems: Problem[] = [
    contentProblem(
      'vhdx-not-importable',
      `The content is VHDX, which JD Cloud does not import (it takes qcow2, vhd, vmdk or raw). Convert it: ${convertToQcow2Command('vhdx', bytes.name)}`,
      'vhdx',
    ),
  ];
  const details: FormatMatch['details'] = { summary: 'VHDX', warnings };
  const creator = bytes.slice(8, 512);
  if (creator !== undefined) details['creator'] = printableText(utf16le(creator));

  checkLog(bytes, warnings);

  const metadata = readMetadata(bytes, problems);
  let virtualSizeBytes: number | null = null;
  if (metadata.kind === 'unavailable') {
    details['virtualSizeUnknown'] = metadata.reason;
  } else if (metadata.kind === 'read') {
    virtualSizeBytes = metadata.virtualSizeBytes;
    details['blockSizeBytes'] = metadata.blockSizeBytes;
    details['hasParent'] = metadata.hasParent;
    if (metadata.hasParent) {
      problems.push(
        contentProblem(
          'vhdx-differencing',
          'The VHDX is a differencing disk (it has a parent): it holds only the changes against another file and cannot be imported alone. Merge it into its parent first (Hyper-V "Merge-VHD"), then convert the result to qcow2.',
        ),
      );
    }
  }
  details.summary = `VHDX${virtualSizeBytes === null ? ', virtual size not read' : `, virtual size ${shortByteSize(virtualSizeBytes)}`}`;
  return { format: 'vhdx', virtualSizeBytes, details, problems };
}

/** A non-zero LogGuid in the current header means a log must be replayed before the metadata is valid. */
function checkLog(bytes: ImageBytes, warnings: string[]): void {
  const headers = [0x10000, 0x20000]
    .map((offset) => bytes.slice(offset, 64))
    .filter((header): header is Uint8Array => hasBytesAt(header, headerSignature))
    .map((header) => new ByteView(header));
  if (headers.length === 0) return;
  const current = headers.reduce((best, header) => (header.u64le(8) > best.u64le(8) ? header : best));
  if (current.bytes.subarray(48, 64).some((byte) => byte !== 0)) {
    warnings.push('The VHDX has a log that was not replayed (it was not closed cleanly); open it in Hyper-V once before converting.');
  }
}

type MetadataResult =
  | { kind: 'read'; virtualSizeBytes: number | null; blockSizeBytes: number | null; hasParent: boolean }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'invalid' };

function readMetadata(bytes: ImageBytes, problems: Problem[]): MetadataResult {
  const unavailable = (what: string, offset: number): MetadataResult => ({
    kind: 'unavailable',
    reason: `VHDX keeps its virtual size in the metadata region; the ${what} at byte ${offset} lies beyond the ${bytes.headLength} bytes read, so the virtual size was not read (VHDX is rejected either way).`,
  });
  const tableHeader = bytes.slice(regionTableOffset, 16);
  if (tableHeader === undefined) return unavailable('region table', regionTableOffset);
  const table = new ByteView(tableHeader);
  const entryCount = table.u32le(8);
  if (!table.startsWith(regionTableSignature) || entryCount >= 2048) {
    problems.push(invalid('vhdx-invalid-region-table', `The VHDX region table at byte ${regionTableOffset} is invalid (signature or entry count ${entryCount}). The file is damaged.`));
    return { kind: 'invalid' };
  }
  const entries = bytes.slice(regionTableOffset + 16, entryCount * 32);
  if (entries === undefined) return unavailable('region table', regionTableOffset);
  let metadataOffset: number | undefined;
  for (let index = 0; index < entryCount; index += 1) {
    const entry = new ByteView(entries.subarray(index * 32, index * 32 + 32));
    if (guidText(entry.bytes.subarray(0, 16)) === metadataRegionGuid) metadataOffset = safeNumber(entry.u64le(16));
  }
  if (metadataOffset === undefined) {
    problems.push(invalid('vhdx-invalid-region-table', 'The VHDX region table has no metadata region. The file is damaged.'));
    return { kind: 'invalid' };
  }

  const metadataHeader = bytes.slice(metadataOffset, 32);
  if (metadataHeader === undefined) return unavailable('metadata table', metadataOffset);
  const metadataView = new ByteView(metadataHeader);
  const itemCount = metadataView.u16le(10);
  if (!metadataView.startsWith(metadataSignature) || itemCount > 2047) {
    problems.push(invalid('vhdx-invalid-metadata', `The VHDX metadata table at byte ${metadataOffset} is invalid (signature or entry count ${itemCount}). The file is damaged.`));
    return { kind: 'invalid' };
  }
  const items = bytes.slice(metadataOffset + 32, itemCount * 32);
  if (items === undefined) return unavailable('metadata table', metadataOffset);

  let virtualSizeBytes: number | null = null;
  let blockSizeBytes: number | null = null;
  let hasParent = false;
  for (let index = 0; index < itemCount; index += 1) {
    const item = new ByteView(items.subarray(index * 32, index * 32 + 32));
    const guid = guidText(item.bytes.subarray(0, 16));
    const valueOffset = metadataOffset + item.u32le(16);
    if (guid === parentLocatorGuid) hasParent = true;
    if (guid === virtualDiskSizeGuid) {
      const value = bytes.slice(valueOffset, 8);
      if (value === undefined) return unavailable('virtual disk size item', valueOffset);
      virtualSizeBytes = safeNumber(new ByteView(value).u64le(0)) ?? null;
    }
    if (guid === fileParametersGuid) {
      const value = bytes.slice(valueOffset, 8);
      if (value === undefined) return unavailable('file parameters item', valueOffset);
      const view = new ByteView(value);
      blockSizeBytes = view.u32le(0);
      if ((view.u32le(4) & 0b10) !== 0) hasParent = true;
    }
  }
  return { kind: 'read', virtualSizeBytes, blockSizeBytes, hasParent };
}

function invalid(code: string, message: string): Problem {
  return contentProblem(code, message);
}

function utf16le(bytes: Uint8Array): string {
  const view = new ByteView(bytes);
  let text = '';
  for (let at = 0; at + 1 < bytes.length; at += 2) {
    const code = view.u16le(at);
    if (code === 0) break;
    text += String.fromCharCode(code);
  }
  return text;
}
