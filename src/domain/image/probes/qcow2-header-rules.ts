// The qcow2 header fields qemu refuses to open an image with (qemu block/qcow2.c,
// qcow2_do_open and qcow2_validate_table; the messages are qemu-img 7.2's). An image qemu-img
// cannot open cannot be imported: each rule rejects what qemu rejects, in qemu's words.
import { safeNumber } from '../byte-view.js';
import { contentProblem } from '../format-match.js';
import type { Problem } from '../../../kernel/index.js';
import { clusterSizeOf, hasBit, type HeaderExtensions, incompatibleFeature, type Qcow2Header, v3MinHeaderLength, validClusterBits } from './qcow2-header.js';

/** QCOW_MAX_SNAPSHOTS, QCOW_MAX_L1_SIZE (bytes) and QCOW_MAX_REFTABLE_SIZE (bytes). */
const maxSnapshots = 65536;
const maxL1TableBytes = 32 * 2 ** 20;
const maxRefcountTableBytes = 8 * 2 ** 20;
/** sizeof(QCowSnapshotHeader): the snapshot table may hold QCOW_MAX_SNAPSHOTS of them. */
const snapshotHeaderBytes = 40n;
const maxSnapshotTableBytes = 40 * maxSnapshots;
export const compressionTypeNames: Record<number, string> = { 0: 'zlib', 1: 'zstd' };

interface HeaderRule {
  /** The offending field's value, when it is broken. */
  value(header: Qcow2Header, clusterSize: number): bigint | number | undefined;
  /** What is wrong, as a clause after "The qcow2 header". */
  what(header: Qcow2Header, clusterSize: number): string;
  /** qemu-img's error for it. */
  qemuSays: string;
}

const int64Max = 2n ** 63n - 1n;

/** qcow2_validate_table: the table fits in qemu's limit, and starts at a cluster boundary without overflowing. */
function tableTooLarge(entries: bigint, entryBytes: bigint, maxBytes: number): boolean {
  return entries * entryBytes > BigInt(maxBytes);
}
function tableOffsetInvalid(offset: bigint, entries: bigint, entryBytes: bigint, clusterSize: number): boolean {
  return int64Max - entries * entryBytes < offset || offset % BigInt(clusterSize) !== 0n;
}

/** L1 entries needed to map the virtual size: each maps one L2 table's worth of clusters (qemu's size_to_l1). */
function l1EntriesNeeded(header: Qcow2Header): bigint {
  const l2EntryBits = hasBit(header.incompatibleFeatures, incompatibleFeature.extendedL2) ? 4n : 3n;
  const shift = 2n * BigInt(header.clusterBits) - l2EntryBits;
  return (header.size + (1n << shift) - 1n) >> shift;
}

/** The compression_type byte: zlib unless the header is long enough to hold one. */
function compressionTypeOf(header: Qcow2Header): number {
  return header.headerLength > v3MinHeaderLength ? (header.compressionType ?? 0) : 0;
}

/** Checked only with a valid cluster size: qemu stops at a bad cluster_bits before any of these. */
const rules: HeaderRule[] = [
  {
    value: (header, clusterSize) => (header.headerLength > clusterSize ? header.headerLength : undefined),
    what: (header, clusterSize) => `has header_length ${header.headerLength}, more than the ${clusterSize}-byte cluster that must hold it`,
    qemuSays: 'qcow2 header exceeds cluster size',
  },
  {
    value: (header) => (header.version === 3 && header.refcountOrder > 6 ? header.refcountOrder : undefined),
    what: (header) => `has refcount_order ${header.refcountOrder}; refcounts are at most 64 bits (order 6)`,
    qemuSays: 'Reference count entry width too large; may not exceed 64 bits',
  },
  {
    value: (header) => (header.refcountTableClusters === 0 ? 0 : undefined),
    what: () => 'gives the refcount table no clusters',
    qemuSays: 'Image does not contain a reference count table',
  },
  {
    value: (header, clusterSize) => (tableTooLarge(BigInt(header.refcountTableClusters), BigInt(clusterSize), maxRefcountTableBytes) ? header.refcountTableClusters : undefined),
    what: (header) => `has a refcount table of ${header.refcountTableClusters} clusters, more than qemu's ${maxRefcountTableBytes} bytes`,
    qemuSays: 'Reference count table too large',
  },
  {
    value: (header, clusterSize) =>
      tableOffsetInvalid(header.refcountTableOffset, BigInt(header.refcountTableClusters), BigInt(clusterSize), clusterSize) ? header.refcountTableOffset : undefined,
    what: (header) => `places the refcount table at byte ${header.refcountTableOffset}, not at a cluster boundary inside the file's range`,
    qemuSays: 'Reference count table offset invalid',
  },
  {
    value: (header) => (header.snapshotCount > maxSnapshots || tableTooLarge(BigInt(header.snapshotCount), snapshotHeaderBytes, maxSnapshotTableBytes) ? header.snapshotCount : undefined),
    what: (header) => `lists ${header.snapshotCount} snapshots, more than qemu's ${maxSnapshots}`,
    qemuSays: 'Snapshot table too large',
  },
  {
    value: (header, clusterSize) => (tableOffsetInvalid(header.snapshotsOffset, BigInt(header.snapshotCount), snapshotHeaderBytes, clusterSize) ? header.snapshotsOffset : undefined),
    what: (header) => `places the snapshot table at byte ${header.snapshotsOffset}, not at a cluster boundary inside the file's range`,
    qemuSays: 'Snapshot table offset invalid',
  },
  {
    // Cluster 0 is the header: qemu would read it as snapshot entries and fail on what it finds.
    value: (header, clusterSize) => (header.snapshotCount > 0 && header.snapshotsOffset < BigInt(clusterSize) ? header.snapshotsOffset : undefined),
    what: (header) => `places its ${header.snapshotCount} snapshots at byte ${header.snapshotsOffset}, inside the header's own cluster`,
    qemuSays: 'Too much extra metadata in snapshot table entry',
  },
  {
    value: (header) => (tableTooLarge(BigInt(header.l1Size), 8n, maxL1TableBytes) ? header.l1Size : undefined),
    what: (header) => `has an L1 table of ${header.l1Size} entries, more than qemu's ${maxL1TableBytes / 8}`,
    qemuSays: 'Active L1 table too large',
  },
  {
    value: (header, clusterSize) => (tableOffsetInvalid(header.l1TableOffset, BigInt(header.l1Size), 8n, clusterSize) ? header.l1TableOffset : undefined),
    what: (header) => `places the L1 table at byte ${header.l1TableOffset}, not at a cluster boundary inside the file's range`,
    qemuSays: 'Active L1 table offset invalid',
  },
  {
    value: (header) => (l1EntriesNeeded(header) > BigInt(2 ** 31 - 1) ? header.size : undefined),
    what: (header) => `gives a virtual size of ${header.size} bytes, more than its clusters can map`,
    qemuSays: 'Image is too big',
  },
  {
    value: (header) => (BigInt(header.l1Size) < l1EntriesNeeded(header) ? header.l1Size : undefined),
    what: (header) => `has an L1 table of ${header.l1Size} entries, too few to map its virtual size of ${header.size} bytes (${l1EntriesNeeded(header)} needed)`,
    qemuSays: 'L1 table is too small',
  },
  {
    value: (header) => (compressionTypeNames[compressionTypeOf(header)] === undefined ? compressionTypeOf(header) : undefined),
    what: (header) => `has compression type ${compressionTypeOf(header)}; only 0 (zlib) and 1 (zstd) exist`,
    qemuSays: 'qcow2: unknown compression type',
  },
  {
    value: (header) =>
      compressionTypeNames[compressionTypeOf(header)] !== undefined && (compressionTypeOf(header) !== 0) !== hasBit(header.incompatibleFeatures, incompatibleFeature.compressionType)
        ? compressionTypeOf(header)
        : undefined,
    what: (header) =>
      `has compression type ${compressionTypeOf(header)} with the compression type feature bit ${hasBit(header.incompatibleFeatures, incompatibleFeature.compressionType) ? 'set' : 'clear'}; the bit is set exactly when the type is not zlib`,
    qemuSays: 'qcow2: Compression type incompatible feature bit must be set only for a type other than zlib',
  },
];

function refused(what: string, qemuSays: string, value: string): Problem {
  return contentProblem(
    'qcow2-invalid-header',
    `The qcow2 header ${what}; qemu-img refuses to open such a file ("${qemuSays}"). The file is damaged: upload an intact copy of the image.`,
    value,
  );
}

/** Every header field qemu would refuse the image for, plus the header extension area overrunning its cluster. */
export function qcow2HeaderProblems(header: Qcow2Header, extensions: HeaderExtensions): Problem[] {
  const problems: Problem[] = [];
  if (safeNumber(header.size) === undefined) {
    problems.push(
      contentProblem('qcow2-invalid-header', `The qcow2 header gives a virtual size of ${header.size} bytes, more than any disk can have. The file is damaged.`, String(header.size)),
    );
  }
  if (!validClusterBits(header.clusterBits)) {
    problems.push(
      contentProblem(
        'qcow2-invalid-header',
        `The qcow2 header has cluster_bits ${header.clusterBits}; qemu accepts 9 to 21 (512 bytes to 2 MiB clusters) and refuses to open anything else. The file is damaged: upload an intact copy of the image.`,
        String(header.clusterBits),
      ),
    );
    return problems;
  }
  if (header.version === 3 && (header.headerLength < v3MinHeaderLength || header.headerLength % 8 !== 0)) {
    problems.push(
      contentProblem(
        'qcow2-invalid-header',
        `The qcow2 v3 header length is ${header.headerLength}; it must be at least 104 and a multiple of 8. The file is damaged.`,
        String(header.headerLength),
      ),
    );
  }
  const clusterSize = clusterSizeOf(header);
  for (const rule of rules) {
    const value = rule.value(header, clusterSize);
    if (value !== undefined) problems.push(refused(rule.what(header, clusterSize), rule.qemuSays, String(value)));
  }
  if (extensions.tooLarge !== undefined) {
    const { offset, length, end } = extensions.tooLarge;
    problems.push(refused(`has an extension at byte ${offset} of ${length} bytes, running past the end of the header area at byte ${end}`, 'Header extension too large', String(length)));
  }
  return problems;
}
