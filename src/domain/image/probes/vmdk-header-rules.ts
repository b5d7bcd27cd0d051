// The sparse-extent header fields qemu refuses to open a VMDK with (qemu block/vmdk.c,
// vmdk_open_vmdk4 and vmdk_add_extent; the messages are qemu-img 7.2's). docs/reference/disk-images.md §5.2.
import { contentProblem } from '../format-match.js';
import type { Problem } from '../../../kernel/index.js';

/** The fields the rules read; for a streamOptimized disk with its grain directory at the end, the footer's copy. */
export interface SparseHeaderFields {
  capacity: bigint;
  grainSize: bigint;
  numGTEsPerGT: number;
}

/** qemu: at most 512 grain table entries, grains of at most 1 GiB (0x200000 sectors), an L1 of at most 32 Mi entries. */
const maxGrainTableEntries = 512;
const maxGrainSectors = 0x200000n;
const maxL1Entries = 32n * 1024n * 1024n;

interface SparseHeaderRule {
  value(header: SparseHeaderFields): bigint | number | undefined;
  what(header: SparseHeaderFields): string;
  qemuSays: string;
}

const sectorsPerL1Entry = (header: SparseHeaderFields) => BigInt(header.numGTEsPerGT) * header.grainSize;

const rules: SparseHeaderRule[] = [
  {
    // qemu then opens the embedded descriptor as if it were a descriptor file, which a
    // monolithicSparse or streamOptimized descriptor cannot be.
    value: (header) => (header.capacity === 0n ? 0 : undefined),
    what: () => 'gives a capacity of 0 sectors, so the disk would be laid out by its embedded descriptor alone',
    qemuSays: 'Unsupported image type',
  },
  {
    value: (header) => (header.numGTEsPerGT > maxGrainTableEntries ? header.numGTEsPerGT : undefined),
    what: (header) => `has ${header.numGTEsPerGT} entries per grain table; qemu reads at most ${maxGrainTableEntries}`,
    qemuSays: 'L2 table size too big',
  },
  {
    value: (header) => (sectorsPerL1Entry(header) === 0n ? (header.numGTEsPerGT === 0 ? header.numGTEsPerGT : header.grainSize) : undefined),
    what: (header) => `has ${header.numGTEsPerGT} grain table entries of ${header.grainSize}-sector grains: a grain directory entry that maps nothing`,
    qemuSays: 'L1 entry size is invalid',
  },
  {
    value: (header) => (header.grainSize > maxGrainSectors ? header.grainSize : undefined),
    what: (header) => `has grains of ${header.grainSize} sectors; qemu accepts at most ${maxGrainSectors} (1 GiB)`,
    qemuSays: 'Invalid granularity, image may be corrupt',
  },
  {
    value: (header) => {
      const perEntry = sectorsPerL1Entry(header);
      return perEntry > 0n && (header.capacity + perEntry - 1n) / perEntry > maxL1Entries ? header.capacity : undefined;
    },
    what: (header) => `needs a grain directory of more than ${maxL1Entries} entries for ${header.capacity} sectors`,
    qemuSays: 'L1 size too big',
  },
];

/** Every header field qemu would refuse the extent for. */
export function vmdkSparseHeaderProblems(header: SparseHeaderFields, reconvert: string): Problem[] {
  return rules.flatMap((rule) => {
    const value = rule.value(header);
    if (value === undefined) return [];
    return [
      contentProblem(
        'vmdk-invalid-header',
        `The VMDK sparse header ${rule.what(header)}; qemu-img refuses to open such a file ("${rule.qemuSays}"). The file is damaged or not a VMDK: ${reconvert}`,
        String(value),
      ),
    ];
  });
}
