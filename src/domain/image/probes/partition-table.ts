// What a raw disk starts with: an MBR (sector 0, signature 55 AA at 510) and possibly a GPT
// (header "EFI PART" at LBA 1). Checks after oslo's check_mbr_partitions and the UEFI spec §5;
// JD Cloud's import guide wants MBR-partitioned, BIOS-booting system disks (disk-images.md §9).
import { ascii, ByteView, hasBytesAt, safeNumber } from '../byte-view.js';
import { describeByteSize } from '../byte-size-text.js';
import { contentProblem } from '../format-match.js';
import type { ImageBytes } from '../image-bytes.js';
import type { Problem } from '../../../kernel/index.js';

const gptSignature = ascii('EFI PART');
const espTypeGuid = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const biosBootTypeGuid = '21686148-6449-6E6F-744E-656564454649';

export interface MbrPartition {
  index: number;
  bootable: boolean;
  type: string;
  startLba: number;
  sectors: number;
}

export interface GptPartition {
  index: number;
  typeGuid: string;
  firstLba: number;
  lastLba: number;
  name: string;
}

export interface PartitionTableFacts {
  details: {
    scheme: 'mbr' | 'gpt' | 'none';
    description: string;
    mbrPartitions?: MbrPartition[];
    gptPartitions?: GptPartition[];
    sectorSize?: number;
  };
  warnings: string[];
  problems: Problem[];
}

export function describePartitionTable(bytes: ImageBytes): PartitionTableFacts {
  const sector0 = bytes.slice(0, 512);
  if (sector0 === undefined || sector0[510] !== 0x55 || sector0[511] !== 0xaa) {
    return { details: { scheme: 'none', description: 'no partition table' }, warnings: [], problems: [] };
  }
  const mbr = new ByteView(sector0);
  // A FAT volume boot record also ends in 55 AA (oslo bug #2079850): two FATs, media F8.
  if (mbr.u8(0x10) === 2 && mbr.u8(0x15) === 0xf8) {
    return {
      details: { scheme: 'none', description: 'no partition table (a FAT file system starts at sector 0)' },
      warnings: ['The disk is a bare FAT file system without a partition table; it will not boot as a system disk.'],
      problems: [],
    };
  }

  const warnings: string[] = [];
  const problems: Problem[] = [];
  const partitions: MbrPartition[] = [];
  let invalidStatus = false;
  for (let index = 0; index < 4; index += 1) {
    const entry = 446 + index * 16;
    const status = mbr.u8(entry);
    const type = mbr.u8(entry + 4);
    const startLba = mbr.u32le(entry + 8);
    const sectors = mbr.u32le(entry + 12);
    if (status !== 0 && status !== 0x80) invalidStatus = true;
    if (type === 0 && sectors === 0) continue;
    partitions.push({ index: index + 1, bootable: status === 0x80, type: `0x${type.toString(16).padStart(2, '0')}`, startLba, sectors });
  }
  if (invalidStatus || partitions.length === 0) {
    return {
      details: { scheme: 'none', description: 'no valid partition table (sector 0 ends in 55 AA but has no valid MBR entries)' },
      warnings: ['Sector 0 ends in 55 AA but holds no valid MBR partition entries; the disk may not boot.'],
      problems,
    };
  }

  const protective = partitions.find((partition) => partition.type === '0xee');
  if (protective !== undefined) {
    const gpt = describeGpt(bytes, warnings, problems);
    if (gpt !== undefined) return { details: gpt, warnings, problems };
  }

  for (const partition of partitions) {
    const end = (partition.startLba + partition.sectors) * 512;
    if (end > bytes.size) {
      problems.push(
        contentProblem(
          'raw-truncated',
          `MBR partition ${partition.index} ends at byte ${end}, beyond the end of the disk (${describeByteSize(bytes.size)}). The upload is incomplete or the disk is damaged: upload the whole image again.`,
          String(bytes.size),
        ),
      );
    }
  }
  if (partitions.some((partition) => partition.type === '0xef')) {
    warnings.push('An EFI System partition (type 0xEF) suggests UEFI boot; JD Cloud\'s import guide supports BIOS boot only.');
  }
  if (!partitions.some((partition) => partition.bootable)) warnings.push('No MBR partition is marked bootable.');
  return {
    details: { scheme: 'mbr', description: `MBR, ${partitions.length} partition${partitions.length === 1 ? '' : 's'}`, mbrPartitions: partitions },
    warnings,
    problems,
  };
}

function describeGpt(bytes: ImageBytes, warnings: string[], problems: Problem[]): PartitionTableFacts['details'] | undefined {
  for (const sectorSize of [512, 4096]) {
    const headerBytes = bytes.slice(sectorSize, 92);
    if (headerBytes === undefined || !hasBytesAt(headerBytes, gptSignature)) continue;
    const header = new ByteView(headerBytes);
    const alternateLba = safeNumber(header.u64le(32));
    const entriesLba = safeNumber(header.u64le(72));
    const entryCount = header.u32le(80);
    const entrySize = header.u32le(84);
    const partitions: GptPartition[] = [];
    if (entriesLba !== undefined && entrySize >= 128 && entrySize <= 4096 && entryCount <= 1024) {
      const table = bytes.slice(entriesLba * sectorSize, entryCount * entrySize);
      if (table === undefined) {
        warnings.push('The GPT partition entries lie beyond the bytes read; they were not listed.');
      } else {
        for (let index = 0; index < entryCount; index += 1) {
          const entry = new ByteView(table.subarray(index * entrySize, index * entrySize + 128));
          const typeGuid = guidText(entry.bytes.subarray(0, 16));
          if (typeGuid === '00000000-0000-0000-0000-000000000000') continue;
          partitions.push({
            index: index + 1,
            typeGuid,
            firstLba: Number(entry.u64le(32)),
            lastLba: Number(entry.u64le(40)),
            name: utf16leName(entry.bytes.subarray(56, 128)),
          });
        }
      }
    }
    if (alternateLba !== undefined && (alternateLba + 1) * sectorSize > bytes.size) {
      problems.push(
        contentProblem(
          'raw-truncated',
          `The GPT header places its backup copy at LBA ${alternateLba} (byte ${alternateLba * sectorSize}), beyond the end of the disk (${describeByteSize(bytes.size)}). The upload is incomplete or the disk is damaged: upload the whole image again.`,
          String(bytes.size),
        ),
      );
    }
    warnings.push('The disk uses a GPT partition table; JD Cloud\'s import guide supports MBR-partitioned, BIOS-booting system disks only.');
    if (partitions.some((partition) => partition.typeGuid === espTypeGuid)) {
      warnings.push('An EFI System Partition suggests UEFI boot, which JD Cloud\'s import guide does not support.');
    }
    const biosBoot = partitions.some((partition) => partition.typeGuid === biosBootTypeGuid);
    return {
      scheme: 'gpt',
      description: `GPT (${sectorSize}-byte sectors), ${partitions.length} partition${partitions.length === 1 ? '' : 's'}${biosBoot ? ', with a BIOS boot partition' : ''}`,
      gptPartitions: partitions,
      sectorSize,
    };
  }
  warnings.push('The MBR is a GPT protective MBR (type 0xEE), but no GPT header was found at LBA 1.');
  return undefined;
}

/** A GUID in Microsoft's mixed-endian layout: first three groups little-endian. */
export function guidText(bytes: Uint8Array): string {
  const hex = (from: number, to: number, reverse: boolean): string => {
    const part = Array.from(bytes.subarray(from, to), (byte) => byte.toString(16).padStart(2, '0'));
    return (reverse ? part.reverse() : part).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`.toUpperCase();
}

function utf16leName(bytes: Uint8Array): string {
  const view = new ByteView(bytes);
  let name = '';
  for (let at = 0; at + 1 < bytes.length; at += 2) {
    const code = view.u16le(at);
    if (code === 0) break;
    name += String.fromCharCode(code);
  }
  return name.replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
}
